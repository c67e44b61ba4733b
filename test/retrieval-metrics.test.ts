import { describe, expect, it } from 'vitest';
import { mean, scoreRanking } from '../load/eval/beir-dataset.ts';

describe('retrieval metrics', () => {
  it('computes recall@10, MRR@10 and nDCG@10 as BEIR defines them', () => {
    const relevant = new Map([['a', 1], ['b', 1]]);
    expect(scoreRanking(['x', 'a', 'y', 'b'], relevant)).toEqual({
      recall_at_10: 1,
      mrr_at_10: 0.5,
      // (1/log2(3) + 1/log2(5)) / (1/log2(2) + 1/log2(3))
      ndcg_at_10: (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)),
    });
    expect(scoreRanking(['x', 'y'], relevant)).toEqual({ recall_at_10: 0, mrr_at_10: 0, ndcg_at_10: 0 });
    // Beyond the cut-off does not count.
    expect(scoreRanking([...Array.from({ length: 10 }, (_, i) => `n${i}`), 'a'], relevant).recall_at_10).toBe(0);
    // Graded relevance: the more relevant document first is the ideal order.
    const graded = new Map([['a', 2], ['b', 1]]);
    expect(scoreRanking(['a', 'b'], graded).ndcg_at_10).toBeCloseTo(1, 10);
    expect(scoreRanking(['b', 'a'], graded).ndcg_at_10).toBeLessThan(1);
    expect(mean([{ recall_at_10: 1, mrr_at_10: 1, ndcg_at_10: 1 }, { recall_at_10: 0, mrr_at_10: 0.5, ndcg_at_10: 0 }])).toEqual({ recall_at_10: 0.5, mrr_at_10: 0.75, ndcg_at_10: 0.5 });
  });
});
