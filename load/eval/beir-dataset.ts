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
  recall_at_10: number;
  mrr_at_10: number;
  ndcg_at_10: number;
}

/** recall@k, MRR@k and nDCG@k (graded gains, log2 discount) of one ranked list. */
export function scoreRanking(ranked: string[], relevant: Map<string, number>, k = 10): RetrievalScores {
  const top = ranked.slice(0, k);
  const hits = top.filter((id) => relevant.has(id)).length;
  const first = top.findIndex((id) => relevant.has(id));
  const dcg = top.reduce((sum, id, i) => sum + (relevant.get(id) ?? 0) / Math.log2(i + 2), 0);
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k).reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return { recall_at_10: hits / relevant.size, mrr_at_10: first === -1 ? 0 : 1 / (first + 1), ndcg_at_10: ideal === 0 ? 0 : dcg / ideal };
}

export function mean(scores: RetrievalScores[]): RetrievalScores {
  const avg = (key: keyof RetrievalScores) => Number((scores.reduce((s, x) => s + x[key], 0) / Math.max(1, scores.length)).toFixed(4));
  return { recall_at_10: avg('recall_at_10'), mrr_at_10: avg('mrr_at_10'), ndcg_at_10: avg('ndcg_at_10') };
}
