import { fileURLToPath } from 'node:url';
import { mean, readBeirDataset, scoreRanking, type RetrievalScores } from './eval/beir-dataset.ts';
import { startMemoryHarness } from './eval/memory-harness.ts';
import type { SearchMode } from '../core/memory/memory-search.ts';

// `npm run eval:retrieval [dataset-dir]`: recall@10, MRR@10 and nDCG@10 of dense, BM25-style
// keyword and hybrid search on a dataset in the BEIR layout (corpus.jsonl, queries.jsonl,
// qrels/test.tsv). Documents are ingested and searched through the platform's own code.
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? process.env.EVAL_DATASET ?? `${root}load/data/eval/somaagent-docs`;
const dataset = readBeirDataset(dir);
const harness = await startMemoryHarness();
try {
  process.stderr.write(`ingesting ${dataset.corpus.length} documents from ${dir} ...\n`);
  const ingested = await harness.ingest(dataset.corpus, 'eval');
  const results: Record<string, RetrievalScores> = {};
  for (const mode of ['dense', 'keyword', 'hybrid'] as SearchMode[]) {
    const scores: RetrievalScores[] = [];
    for (const query of dataset.queries) {
      // Chunks are ranked; documents are judged: a document counts at its best chunk's rank.
      const hits = await harness.search.search({ tenantId: harness.tenantId, query: query.text, k: 40, mode, documents: true, conversations: false, collections: ['eval'] });
      const ranked = [...new Set(hits.flatMap((h) => (h.source.type === 'document' ? [h.source.source] : [])))];
      scores.push(scoreRanking(ranked, dataset.qrels.get(query._id)!));
    }
    results[mode === 'keyword' ? 'bm25' : mode] = mean(scores);
  }
  console.log(`\n${dataset.queries.length} queries, ${dataset.corpus.length} documents, ${ingested.chunks} chunks (ingested in ${ingested.seconds.toFixed(1)} s)\n`);
  console.log('method   recall@10  MRR@10  nDCG@10');
  for (const [method, s] of Object.entries(results)) console.log(`${method.padEnd(8)} ${s.recall_at_10.toFixed(3).padStart(9)}  ${s.mrr_at_10.toFixed(3).padStart(6)}  ${s.ndcg_at_10.toFixed(3).padStart(7)}`);
  console.log(JSON.stringify({ dataset: dir.split('/').filter(Boolean).at(-1), queries: dataset.queries.length, documents: dataset.corpus.length, chunks: ingested.chunks, ingest_chunks_per_s: Number((ingested.chunks / ingested.seconds).toFixed(1)), ...results }));
} finally {
  await harness.close();
}
