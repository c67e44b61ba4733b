import { describe, expect, it } from 'vitest';
import { mean, pairedRandomisationTest, scoreRanking, trecRun } from '../load/eval/beir-dataset.ts';

describe('retrieval metrics', () => {
  it('computes recall@10, MRR@10 and nDCG@10 as BEIR defines them', () => {
    const relevant = new Map([['a', 1], ['b', 1]]);
    expect(scoreRanking(['x', 'a', 'y', 'b'], relevant)).toEqual({
      recall_at_10: 1,
      recall_at_100: 1,
      mrr_at_10: 0.5,
      // (1/log2(3) + 1/log2(5)) / (1/log2(2) + 1/log2(3))
      ndcg_at_10: (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)),
    });
    expect(scoreRanking(['x', 'y'], relevant)).toEqual({ recall_at_10: 0, recall_at_100: 0, mrr_at_10: 0, ndcg_at_10: 0 });
    // Beyond the cut-off does not count.
    expect(scoreRanking([...Array.from({ length: 10 }, (_, i) => `n${i}`), 'a'], relevant).recall_at_10).toBe(0);
    // ... but within 100 it does.
    expect(scoreRanking([...Array.from({ length: 50 }, (_, i) => `n${i}`), 'a'], relevant).recall_at_100).toBe(0.5);
    // Graded relevance: the more relevant document first is the ideal order.
    const graded = new Map([['a', 2], ['b', 1]]);
    expect(scoreRanking(['a', 'b'], graded).ndcg_at_10).toBeCloseTo(1, 10);
    expect(scoreRanking(['b', 'a'], graded).ndcg_at_10).toBeLessThan(1);
    expect(mean([{ recall_at_10: 1, recall_at_100: 1, mrr_at_10: 1, ndcg_at_10: 1 }, { recall_at_10: 0, recall_at_100: 1, mrr_at_10: 0.5, ndcg_at_10: 0 }])).toEqual({ recall_at_10: 0.5, recall_at_100: 1, mrr_at_10: 0.75, ndcg_at_10: 0.5 });
  });

  it('paired randomisation test: identical systems are not different, a consistent gain is', () => {
    const a = Array.from({ length: 40 }, (_, i) => (i % 7) / 7);
    expect(pairedRandomisationTest(a, a).p).toBe(1);
    const better = a.map((x) => x + 0.05);
    const result = pairedRandomisationTest(better, a, 2000);
    expect(result.meanDifference).toBeCloseTo(0.05, 10);
    expect(result.p).toBeLessThan(0.001);
    // Gains and losses that cancel: no evidence either way.
    const mixed = a.map((x, i) => x + (i % 2 === 0 ? 0.1 : -0.1));
    expect(pairedRandomisationTest(mixed, a, 2000).p).toBeGreaterThan(0.5);
  });

  it('writes TREC run files: qid Q0 docid rank score tag', () => {
    expect(trecRun('bm25', [{ queryId: 'q1', ranked: [{ id: 'd2', score: 3.5 }, { id: 'd1', score: 1 }] }])).toBe('q1 Q0 d2 1 3.500000 bm25\nq1 Q0 d1 2 1.000000 bm25\n');
  });
});
