/**
 * `npm run eval:retrieval -- <BEIR folder>`: retrieval quality of every search method on a
 * dataset in the BEIR layout (corpus.jsonl, queries.jsonl, qrels/test.tsv), ingested and
 * searched through the platform's own code (chunking, embedding, pgvector, BM25 in Postgres).
 *
 * For each method: nDCG@10, recall@10, recall@100, MRR@10, query latency, and a paired
 * randomisation test against BM25 over the queries; a TREC run file per method (for trec_eval
 * or pytrec_eval) in EVAL_OUT (default .soma/eval/<dataset>/). With EVAL_REFERENCE_BM25=1 the
 * same chunks are also ranked by bm25s (PyPI, in a venv under .soma/venvs) and its nDCG@10 is
 * printed beside ours. Chunks are ranked; documents are judged: a document counts at its best
 * chunk's rank. A query's own id is never counted as a hit (ArguAna's queries are corpus
 * documents too; BEIR's evaluation ignores them the same way).
 *
 * Knobs (env): EVAL_QUERIES (limit), EVAL_ALPHAS (weighted-fusion α values, default 0.5),
 * CHUNK_TOKENS / CHUNK_OVERLAP / CHUNK_TITLE_PREFIX (chunking policy), EMBEDDING_THREADS.
 * Prints a table, then one JSON object as the last line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mean, pairedRandomisationTest, readBeirDataset, scoreRanking, trecRun, type RetrievalScores } from './eval/beir-dataset.ts';
import { startMemoryHarness } from './eval/memory-harness.ts';
import { referenceBm25 } from './eval/reference-bm25.ts';
import { DEFAULT_FUSION, type FusionOptions } from '../core/memory/fusion.ts';
import { DEFAULT_BM25 } from '../core/memory/bm25.ts';
import type { SearchMode } from '../core/memory/memory-search.ts';
import { summarize } from '../tooling/bench/stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = resolve(process.argv[2] ?? process.env.EVAL_DATASET ?? `${root}load/data/eval/somaagent-docs`);
const name = dir.split('/').filter(Boolean).at(-1)!;
if (/scifact/i.test(name)) throw new Error('BEIR SciFact is reserved for held-out evaluation by the project; it is not used here');
const dataset = readBeirDataset(dir);
const queries = dataset.queries.slice(0, Number(process.env.EVAL_QUERIES ?? dataset.queries.length));
const out = resolve(process.env.EVAL_OUT ?? join(root, '.soma', 'eval', name));
mkdirSync(out, { recursive: true });
const alphas = (process.env.EVAL_ALPHAS ?? '0.3,0.5,0.7').split(',').map(Number);
/** Chunks retrieved per query: enough distinct documents for recall@100. */
const DEPTH = 300;

interface Method {
  name: string;
  mode: SearchMode;
  fusion?: Partial<FusionOptions>;
}
const methods: Method[] = [
  { name: 'bm25', mode: 'keyword' },
  { name: 'keyword_tsrank', mode: 'keyword_tsrank' },
  { name: 'dense', mode: 'dense' },
  { name: 'hybrid_rrf', mode: 'hybrid', fusion: { method: 'rrf' } },
  ...alphas.map((alpha) => ({ name: `hybrid_weighted_a${alpha}`, mode: 'hybrid' as const, fusion: { method: 'weighted' as const, alpha } })),
  { name: 'hybrid', mode: 'hybrid' },
];

const harness = await startMemoryHarness();
try {
  process.stderr.write(`ingesting ${dataset.corpus.length} documents from ${dir} (chunks of <= ${harness.chunking.chunkTokens} tokens, overlap ${harness.chunking.overlapTokens}, title prefix ${harness.chunking.titlePrefix}) ...\n`);
  const ingested = await harness.ingest(dataset.corpus, 'eval');

  const toDocuments = (queryId: string, hits: Array<{ id: string; score: number; source: { type: string; source?: string } }>) => {
    const seen = new Map<string, number>();
    for (const h of hits) if (h.source.type === 'document' && h.source.source !== queryId && !seen.has(h.source.source!)) seen.set(h.source.source!, h.score);
    return [...seen.entries()].map(([id, score]) => ({ id, score }));
  };

  const perQuery = new Map<string, RetrievalScores[]>();
  const results: Record<string, RetrievalScores & { p50_ms: number; p95_ms: number; p_vs_bm25: number | null; delta_ndcg10_vs_bm25: number | null }> = {};
  for (const method of methods) {
    const scores: RetrievalScores[] = [];
    const latencies: number[] = [];
    const rankings: Array<{ queryId: string; ranked: Array<{ id: string; score: number }> }> = [];
    for (const query of queries) {
      const started = performance.now();
      const hits = await harness.search.search({
        tenantId: harness.tenantId, query: query.text, k: DEPTH, mode: method.mode, documents: true, conversations: false, collections: ['eval'],
        candidates: DEPTH, ...(method.fusion && { fusion: method.fusion }),
      });
      latencies.push(performance.now() - started);
      const ranked = toDocuments(query._id, hits);
      rankings.push({ queryId: query._id, ranked: ranked.slice(0, 100) });
      scores.push(scoreRanking(ranked.map((r) => r.id), dataset.qrels.get(query._id)!));
    }
    writeFileSync(join(out, `${method.name}.trec`), trecRun(method.name, rankings));
    perQuery.set(method.name, scores);
    const latency = summarize(latencies);
    results[method.name] = { ...mean(scores), p50_ms: Number(latency.p50.toFixed(1)), p95_ms: Number(latency.p95.toFixed(1)), p_vs_bm25: null, delta_ndcg10_vs_bm25: null };
    process.stderr.write(`${method.name}: nDCG@10 ${results[method.name]!.ndcg_at_10}\n`);
  }
  const bm25 = perQuery.get('bm25')!.map((s) => s.ndcg_at_10);
  for (const method of methods) {
    if (method.name === 'bm25') continue;
    const test = pairedRandomisationTest(perQuery.get(method.name)!.map((s) => s.ndcg_at_10), bm25);
    results[method.name]!.p_vs_bm25 = Number(test.p.toFixed(4));
    results[method.name]!.delta_ndcg10_vs_bm25 = Number(test.meanDifference.toFixed(4));
  }

  // The same chunks ranked by a standard BM25 implementation, when asked for: with its own
  // tokenizer (what "BM25 by any standard evaluator" means), and with our terms (the scoring alone).
  let reference: { ndcg_at_10: number; difference: number; same_terms_ndcg_at_10: number; same_terms_difference: number } | null = null;
  if (process.env.EVAL_REFERENCE_BM25 === '1') {
    const chunks = await harness.chunks('eval');
    const docOf = new Map(chunks.map((c) => [c.id, c.doc]));
    const judge = (runs: Map<string, Array<[string, number]>>) =>
      mean(
        queries.map((q) => {
          const hits = (runs.get(q._id) ?? []).map(([id, score]) => ({ id, score, source: { type: 'document', source: docOf.get(id)! } }));
          return scoreRanking(toDocuments(q._id, hits).map((r) => r.id), dataset.qrels.get(q._id)!);
        }),
      ).ndcg_at_10;
    const own = judge(await referenceBm25(root, chunks.map(({ id, text }) => ({ id, text })), queries, DEPTH, DEFAULT_BM25));
    const queryTerms = await Promise.all(queries.map(async (q) => ({ ...q, tokens: await harness.terms(q.text) })));
    const same = judge(await referenceBm25(root, chunks, queryTerms, DEPTH, DEFAULT_BM25));
    reference = {
      ndcg_at_10: own,
      difference: Number((results.bm25!.ndcg_at_10 - own).toFixed(4)),
      same_terms_ndcg_at_10: same,
      same_terms_difference: Number((results.bm25!.ndcg_at_10 - same).toFixed(4)),
    };
  }

  console.log(`\n${name}: ${queries.length} queries, ${dataset.corpus.length} documents, ${ingested.chunks} chunks (ingested in ${ingested.seconds.toFixed(1)} s, ${ingested.chunksPerSecond.toFixed(1)} chunks/s)\n`);
  console.log('method                     nDCG@10  recall@10  recall@100  MRR@10   p50 ms  p95 ms  Δ vs bm25  p');
  for (const [method, s] of Object.entries(results)) {
    console.log(
      `${method.padEnd(26)} ${s.ndcg_at_10.toFixed(3).padStart(7)}  ${s.recall_at_10.toFixed(3).padStart(9)}  ${s.recall_at_100.toFixed(3).padStart(10)}  ${s.mrr_at_10.toFixed(3).padStart(6)}  ${s.p50_ms.toFixed(1).padStart(6)}  ${s.p95_ms.toFixed(1).padStart(6)}  ${s.delta_ndcg10_vs_bm25 === null ? '         -' : s.delta_ndcg10_vs_bm25.toFixed(3).padStart(9)}  ${s.p_vs_bm25 ?? '-'}`,
    );
  }
  if (reference) {
    console.log(`\nreference BM25 (bm25s ${'0.3.16'}, same chunks, k1=${DEFAULT_BM25.k1}, b=${DEFAULT_BM25.b}):`);
    console.log(`  its own tokenizer (PyStemmer, its stop words): nDCG@10 ${reference.ndcg_at_10.toFixed(3)}; ours − reference = ${reference.difference}`);
    console.log(`  our terms (scoring alone):                     nDCG@10 ${reference.same_terms_ndcg_at_10.toFixed(3)}; ours − reference = ${reference.same_terms_difference}`);
  }
  console.log(`TREC run files: ${out}/<method>.trec; default fusion: ${DEFAULT_FUSION.method}${DEFAULT_FUSION.method === 'weighted' ? ` α=${DEFAULT_FUSION.alpha}` : ''}`);
  console.log(
    JSON.stringify({
      dataset: name,
      queries: queries.length,
      documents: dataset.corpus.length,
      chunks: ingested.chunks,
      chunking: harness.chunking,
      ingest_seconds: Number(ingested.seconds.toFixed(1)),
      ingest_chunks_per_s: Number(ingested.chunksPerSecond.toFixed(1)),
      ingest_chunks_per_s_per_core: Number((ingested.chunksPerSecond / availableParallelism()).toFixed(1)),
      ndcg10_bm25: results.bm25!.ndcg_at_10,
      ndcg10_dense: results.dense!.ndcg_at_10,
      ndcg10_hybrid: results.hybrid!.ndcg_at_10,
      ndcg10_rerank: null,
      ndcg10_keyword_tsrank: results.keyword_tsrank!.ndcg_at_10,
      ndcg10_reference_bm25: reference?.ndcg_at_10 ?? null,
      ndcg10_reference_bm25_same_terms: reference?.same_terms_ndcg_at_10 ?? null,
      default_fusion: DEFAULT_FUSION,
      methods: results,
    }),
  );
} finally {
  await harness.close();
}
