/**
 * Fusing a dense (cosine) list with a BM25 list into one ranking. Two ways, both measured by
 * `npm run eval:retrieval` (docs/docs/memory/documents-and-search.md has the figures):
 *
 * - `rrf`: reciprocal rank fusion, Σ 1 / (k + rank), k = 60 (Cormack et al. 2009). Uses ranks
 *   only, so the two scores' scales never matter.
 * - `weighted`: each list's scores min–max normalised to [0, 1] over the candidates it returned,
 *   then α · dense + (1 − α) · bm25; a candidate missing from a list gets 0 there. Uses how far
 *   apart the scores are, which rank fusion throws away.
 */
export type FusionMethod = 'rrf' | 'weighted';

export interface RankedList {
  ids: string[];
  scores: number[];
}

export interface FusionOptions {
  method: FusionMethod;
  /** Weight of the dense list in `weighted` fusion (0..1). */
  alpha: number;
  /** RRF's constant. */
  rrfK: number;
}

/** Reciprocal rank fusion's constant: 60, as in Cormack et al. and most hybrid engines. */
export const RRF_K = 60;

/**
 * The default, chosen on data: on the development set (the project's own documentation corpus,
 * load/data/eval/somaagent-docs) RRF measured nDCG@10 0.756 against 0.671 / 0.710 / 0.729 for
 * weighted fusion with α = 0.3 / 0.5 / 0.7 (docs/docs/memory/documents-and-search.md). The
 * reserved evaluation sets were never used to choose it. α stays settable per request.
 */
export const DEFAULT_FUSION: FusionOptions = { method: 'rrf', alpha: 0.5, rrfK: RRF_K };

export interface FusedEntry {
  id: string;
  score: number;
  ranks: { dense?: number; keyword?: number };
}

function minMax(scores: number[]): number[] {
  if (scores.length === 0) return [];
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  // One candidate, or all tied: each is as good as the best.
  return scores.map((s) => (hi > lo ? (s - lo) / (hi - lo) : 1));
}

/** One ranking from both lists, best first; ties broken by id so a ranking is reproducible. */
export function fuse(dense: RankedList, keyword: RankedList, options: FusionOptions): FusedEntry[] {
  const entries = new Map<string, FusedEntry>();
  const entry = (id: string) => {
    let e = entries.get(id);
    if (!e) entries.set(id, (e = { id, score: 0, ranks: {} }));
    return e;
  };
  const lists = [
    ['dense', dense, options.alpha],
    ['keyword', keyword, 1 - options.alpha],
  ] as const;
  for (const [name, list, weight] of lists) {
    const normalised = options.method === 'weighted' ? minMax(list.scores) : [];
    list.ids.forEach((id, i) => {
      const e = entry(id);
      // A list may name an id twice (documents and messages merged): the better rank counts.
      if (e.ranks[name] !== undefined) return;
      e.ranks[name] = i + 1;
      e.score += options.method === 'rrf' ? 1 / (options.rrfK + i + 1) : weight * normalised[i]!;
    });
  }
  return [...entries.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
