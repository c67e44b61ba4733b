import { createHash } from 'node:crypto';
import type { TextBlock } from './text-blocks.ts';

export interface ChunkingOptions {
  /** Most tokens a chunk may have (the embedding model's input limit, minus the heading line). */
  maxTokens: number;
  /** Tokens of the previous chunk repeated at the start of the next one in the same section. */
  overlapTokens: number;
  countTokens(text: string): number;
}

export interface Chunk {
  seq: number;
  /** The chunk's own text. */
  text: string;
  /** "Title > Section" above it, embedded with the text so a chunk keeps its context. */
  headingPath: string;
  tokenCount: number;
  contentHash: string;
}

/** Sentence ends, keeping the punctuation with the sentence. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])|\n+/).map((s) => s.trim()).filter(Boolean);
}

/** Splits text that alone exceeds the budget: sentences, then words. */
function split(text: string, options: ChunkingOptions): string[] {
  if (options.countTokens(text) <= options.maxTokens) return [text];
  const parts = sentences(text);
  const units = parts.length > 1 ? parts : text.split(/\s+/);
  const joiner = parts.length > 1 ? ' ' : ' ';
  const out: string[] = [];
  let current: string[] = [];
  for (const unit of units) {
    if (options.countTokens(unit) > options.maxTokens) {
      if (current.length) out.push(current.join(joiner));
      current = [];
      // A single over-long "word" (a URL, a base64 blob): cut by characters.
      const step = Math.max(16, Math.floor(unit.length * (options.maxTokens / options.countTokens(unit))));
      for (let i = 0; i < unit.length; i += step) out.push(unit.slice(i, i + step));
      continue;
    }
    if (current.length && options.countTokens([...current, unit].join(joiner)) > options.maxTokens) {
      out.push(current.join(joiner));
      current = [];
    }
    current.push(unit);
  }
  if (current.length) out.push(current.join(joiner));
  return out;
}

/** The tail of `text` worth about `tokens` tokens, cut at a sentence or word boundary. */
function tail(text: string, tokens: number, options: ChunkingOptions): string {
  if (tokens <= 0) return '';
  const words = text.split(/\s+/);
  const picked: string[] = [];
  for (let i = words.length - 1; i >= 0; i--) {
    picked.unshift(words[i]!);
    if (options.countTokens(picked.join(' ')) >= tokens) break;
  }
  return picked.join(' ');
}

/**
 * Packs blocks into chunks of at most maxTokens, never across a section (heading path)
 * boundary, keeping code fences and tables whole when they fit. The next chunk of the same
 * section starts with about overlapTokens of the previous one, so a sentence cut by a boundary
 * is still found whole.
 */
export function chunkBlocks(blocks: TextBlock[], options: ChunkingOptions): Chunk[] {
  const chunks: Chunk[] = [];
  let parts: string[] = [];
  let section = '';
  let overlap = '';

  const emit = () => {
    const text = parts.join('\n\n').trim();
    parts = [];
    if (!text) return;
    chunks.push({
      seq: chunks.length,
      text,
      headingPath: section,
      tokenCount: options.countTokens(text),
      contentHash: createHash('sha256').update(`${section}\n${text}`).digest('hex'),
    });
    overlap = tail(text, options.overlapTokens, options);
  };

  for (const block of blocks) {
    const path = block.headings.join(' > ');
    if (path !== section) {
      emit();
      section = path;
      overlap = '';
    }
    for (const piece of split(block.text, options)) {
      const candidate = [...parts, piece].join('\n\n');
      if (parts.length > 0 && options.countTokens(candidate) > options.maxTokens) {
        emit();
        // Overlap only when it leaves room for the new piece.
        if (overlap && options.countTokens(`${overlap}\n\n${piece}`) <= options.maxTokens) parts.push(overlap);
      }
      parts.push(piece);
    }
  }
  emit();
  return chunks;
}

/** Rough count for when the embedding model's tokenizer is not at hand: ~1.3 tokens per word. */
export function approximateTokens(text: string): number {
  let words = 0;
  for (const _ of text.matchAll(/\S+/g)) words++;
  return Math.ceil(words * 1.3);
}
