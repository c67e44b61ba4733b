/**
 * What retrieved context looks like inside a prompt, and how citations to it are checked.
 * Pure functions only: the RAG and completion workflows use them.
 */
import type { SearchSource } from './memory-types.ts';

/** A retrieved passage as it goes into a prompt: a short label the model cites, and its origin. */
export interface ContextPassage {
  /** `1`, `2`, ... — what the model writes as [1]. */
  label: string;
  /** The chunk or message id: what the citation resolves to. */
  id: string;
  text: string;
  score: number;
  source: SearchSource;
}

function origin(p: ContextPassage): string {
  return p.source.type === 'document'
    ? `${p.source.title || p.source.source}${p.source.heading_path ? ` — ${p.source.heading_path}` : ''}`
    : `conversation ${p.source.conversation_id}, ${p.source.role}`;
}

/** The sources block both RAG answers and memory injection put in front of the model. */
export function renderSources(passages: ContextPassage[]): string {
  return passages.map((p) => `[${p.label}] (${origin(p)})\n${p.text}`).join('\n\n');
}

export const RAG_SYSTEM_PROMPT = [
  'Answer the question using only the numbered sources below.',
  'After every sentence that uses a source, cite it by its number in square brackets, e.g. [2] or [1][3].',
  'Cite only sources that support the sentence. If the sources do not contain the answer, say that you do not know.',
].join(' ');

export interface CitationCheck {
  /** Labels cited that exist in the context, in first-cited order. */
  cited: string[];
  /** Labels cited that were not in the context: the answer claims support it does not have. */
  invalid: string[];
}

/** Every [n] the answer cites, checked against the context it was given. */
export function checkCitations(answer: string, passages: ContextPassage[]): CitationCheck {
  const labels = new Set(passages.map((p) => p.label));
  const cited: string[] = [];
  const invalid: string[] = [];
  for (const match of answer.matchAll(/\[(\d{1,3})\]/g)) {
    const label = match[1]!;
    const list = labels.has(label) ? cited : invalid;
    if (!list.includes(label)) list.push(label);
  }
  return { cited, invalid };
}
