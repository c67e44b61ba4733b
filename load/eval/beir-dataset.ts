import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A retrieval dataset in the BEIR layout: corpus.jsonl, queries.jsonl, qrels/test.tsv. */
export interface BeirDataset {
  corpus: Array<{ _id: string; title: string; text: string }>;
  queries: Array<{ _id: string; text: string }>;
  /** query id → (corpus id → graded relevance > 0) */
  qrels: Map<string, Map<string, number>>;
}

const jsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);

export function readBeirDataset(dir: string, split = 'test'): BeirDataset {
  const corpus = jsonl<{ _id: string; title?: string; text: string }>(join(dir, 'corpus.jsonl')).map((d) => ({ _id: String(d._id), title: d.title ?? '', text: d.text }));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(join(dir, 'qrels', `${split}.tsv`), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [query, doc, score] = line.split('\t');
    if (!query || !doc || Number(score) <= 0) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)!.set(doc, Number(score));
  }
  // Queries without judgments are not scored, as in BEIR's evaluation.
  const queries = jsonl<{ _id: string; text: string }>(join(dir, 'queries.jsonl'))
    .map((q) => ({ _id: String(q._id), text: q.text }))
    .filter((q) => qrels.has(q._id));
  return { corpus, queries, qrels };
}

export interface RetrievalScores {
  ndcg_at_10: number;
  recall_at_10: number;
  recall_at_100: number;
  mrr_at_10: number;
}

/** nDCG@10 (graded gains, log2 discount), recall@10 and @100, MRR@10 of one ranked list, as BEIR defines them. */
export function scoreRanking(ranked: string[], relevant: Map<string, number>): RetrievalScores {
  const recall = (k: number) => ranked.slice(0, k).filter((id) => relevant.has(id)).length / relevant.size;
  const top = ranked.slice(0, 10);
  const first = top.findIndex((id) => relevant.has(id));
  const dcg = top.reduce((sum, id, i) => sum + (relevant.get(id) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10).reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return { ndcg_at_10: ideal === 0 ? 0 : dcg / ideal, recall_at_10: recall(10), recall_at_100: recall(100), mrr_at_10: first === -1 ? 0 : 1 / (first + 1) };
}

export function mean(scores: RetrievalScores[]): RetrievalScores {
  const avg = (key: keyof RetrievalScores) => Number((scores.reduce((s, x) => s + x[key], 0) / Math.max(1, scores.length)).toFixed(4));
  return { ndcg_at_10: avg('ndcg_at_10'), recall_at_10: avg('recall_at_10'), recall_at_100: avg('recall_at_100'), mrr_at_10: avg('mrr_at_10') };
}

/** A deterministic source of randomness, so a significance test reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Two-sided paired randomisation (permutation) test over queries (Smucker, Allan & Carterette
 * 2007): under the null hypothesis the two systems' scores of a query are exchangeable, so each
 * per-query difference's sign is flipped at random; p is the share of trials whose mean
 * difference is at least as far from zero as the observed one (with the +1 correction).
 */
export function pairedRandomisationTest(a: number[], b: number[], trials = 10_000, seed = 21): { meanDifference: number; p: number } {
  if (a.length !== b.length) throw new Error(`paired test needs as many scores on both sides (${a.length} vs ${b.length})`);
  const diffs = a.map((x, i) => x - b[i]!);
  const n = Math.max(1, diffs.length);
  const observed = Math.abs(diffs.reduce((s, d) => s + d, 0) / n);
  const random = rng(seed);
  let extreme = 0;
  for (let t = 0; t < trials; t++) {
    let sum = 0;
    for (const d of diffs) sum += random() < 0.5 ? -d : d;
    if (Math.abs(sum / n) >= observed - 1e-12) extreme++;
  }
  return { meanDifference: diffs.reduce((s, d) => s + d, 0) / n, p: (extreme + 1) / (trials + 1) };
}

/** A run in TREC format (`qid Q0 docid rank score tag`), what trec_eval and pytrec_eval read. */
export function trecRun(tag: string, rankings: Array<{ queryId: string; ranked: Array<{ id: string; score: number }> }>): string {
  const safe = tag.replace(/\s+/g, '_');
  return rankings.flatMap(({ queryId, ranked }) => ranked.map((r, i) => `${queryId} Q0 ${r.id} ${i + 1} ${r.score.toFixed(6)} ${safe}`)).join('\n') + '\n';
}
