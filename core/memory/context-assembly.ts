import type { ContextPassage } from './context-passages.ts';
import { approximateTokens } from './chunker.ts';
import type { SearchHit } from './memory-search.ts';

/**
 * Keeps the best hits that fit the token budget: near-duplicates (the same text, e.g. an
 * overlapping chunk or a repeated message) only once, in score order, numbered for citing.
 */
export function assembleContext(hits: SearchHit[], budgetTokens: number, countTokens = approximateTokens): ContextPassage[] {
  const seen = new Set<string>();
  const out: ContextPassage[] = [];
  let used = 0;
  for (const hit of hits) {
    const key = hit.text.replace(/\s+/g, ' ').trim().toLowerCase();
    if (!key || seen.has(key)) continue;
    const cost = countTokens(hit.text) + 12;
    if (used + cost > budgetTokens) continue;
    seen.add(key);
    used += cost;
    out.push({ label: String(out.length + 1), id: hit.id, text: hit.text, score: hit.score, source: hit.source });
  }
  return out;
}

