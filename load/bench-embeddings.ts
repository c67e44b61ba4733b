/**
 * `npm run bench:embeddings`: how fast the local embedding model (all-MiniLM-L6-v2, int8 ONNX)
 * embeds on this machine, and what the content-hash cache saves.
 *
 * - ingestion throughput in chunks/s of ~100-token chunks with the default batching (at most
 *   512 padded tokens per inference call, i.e. 5 such chunks) and at fixed batch sizes 1, 8, 32;
 * - single-query latency (one short text per call, as a search request does), p50/p95;
 * - the same chunks again through the cache (a private in-memory PGlite with pgvector): the
 *   first pass embeds and writes, the second is all hits and never touches the model.
 *
 * Prints a table to stdout, then one JSON object as the very last line.
 * Knobs (env): BENCH_CHUNKS (256), BENCH_QUERIES (60), EMBEDDING_THREADS (model threads, see
 * common/config.ts), SOMA_STATE_DIR (where bootstrap put the model).
 */
import { availableParallelism, loadavg } from 'node:os';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { fmt, round, summarize, table } from '../tooling/bench/stats.ts';
import { loadEnv } from '../platform/config.ts';
import { createCachedEmbedder } from '../core/embeddings/cached-embedder.ts';
import { localModelDir } from '../core/embeddings/create-embedder.ts';
import { createLocalMiniLmEmbedder, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_THREADS } from '../core/embeddings/local-minilm-embedder.ts';
import { startEmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { createEmbeddingCacheStore } from '../stores/embedding-cache.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool } from '../platform/db/pool.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';


const CHUNKS = intEnv('BENCH_CHUNKS', 256, 32, 100_000);
const QUERIES = intEnv('BENCH_QUERIES', 60, 10, 100_000);
const BATCH_SIZES = [1, 8, 32] as const;
/** The issue's ingestion goal, reported beside the measurement. */
const GOAL_CHUNKS_PER_S = 500;

const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const env = loadEnv();
const threads = env.EMBEDDING_THREADS ?? DEFAULT_THREADS;
const modelDir = localModelDir(env);

// Sentence-like text from a fixed vocabulary, so every run embeds the same chunks; each chunk is
// numbered so none repeats (the cache pass must see distinct texts).
const VOCABULARY = (
  'the agent stores memory records for each tenant and retrieves relevant context with vector search ' +
  'over embeddings computed locally while postgres keeps metadata about every document chunk and its source ' +
  'a workflow retries failed activities with backoff so ingestion survives restarts of workers and servers ' +
  'operators watch runs in the web ui and budgets limit what each key may spend on models per day'
).split(' ');

function chunk(index: number): string {
  const words: string[] = [];
  for (let i = 0; i < 78; i++) words.push(VOCABULARY[(index * 31 + i * 7 + (i * i) % 13) % VOCABULARY.length]!);
  return `Chunk ${index}. ${words.join(' ')}.`;
}

const chunks = Array.from({ length: CHUNKS }, (_, i) => chunk(i));
const queries = Array.from({ length: QUERIES }, (_, i) => `where did the worker store memory for tenant ${i}?`);

const loadStarted = performance.now();
const reference = createLocalMiniLmEmbedder({ modelDir, threads });
await reference.embed(['warm up the model']);
const loadMs = performance.now() - loadStarted;
const tokens = summarize(await Promise.all(chunks.slice(0, 32).map((text) => reference.countTokens(text))));
note(`model loaded in ${fmt(loadMs, 0)} ms; ${threads} thread(s); ${CHUNKS} chunks of ~${fmt(tokens.mean, 0)} tokens`);

async function chunksPerSecond(label: string, batchSize: number | undefined, texts: string[]): Promise<number> {
  const embedder = createLocalMiniLmEmbedder({ modelDir, threads, ...(batchSize !== undefined && { batchSize, maxBatchTokens: Infinity }) });
  await embedder.embed(texts.slice(0, batchSize ?? 8));
  const started = performance.now();
  await embedder.embed(texts);
  const perSecond = texts.length / ((performance.now() - started) / 1000);
  note(`${label}: ${fmt(perSecond)} chunks/s`);
  return perSecond;
}

const byDefault = await chunksPerSecond('default batching', undefined, chunks);

// Window-filling chunks, as the token-exact chunker makes them (~250 of the model's 256
// positions), embedded with each thread count and padded-token budget per inference call. The
// old setting (512 padded tokens per call, i.e. two such chunks) is measured beside the others.
const OLD_MAX_BATCH_TOKENS = 512;
const longChunks = Array.from({ length: Math.max(32, Math.floor(CHUNKS / 2)) }, (_, i) => `${chunk(i)} ${chunk(i + 7919)} ${chunk(i + 104729)}`);
const longTokens = summarize(await Promise.all(longChunks.slice(0, 16).map((text) => reference.countTokens(text))));
const matrix: Array<{ threads: number; maxBatchTokens: number; perSecond: number }> = [];
const threadChoices = [...new Set([1, Math.min(2, availableParallelism()), availableParallelism()])];
for (const t of threadChoices) {
  for (const maxBatchTokens of [OLD_MAX_BATCH_TOKENS, 1024, 2048, 4096]) {
    const embedder = createLocalMiniLmEmbedder({ modelDir, threads: t, maxBatchTokens, batchSize: 64 });
    await embedder.embed(longChunks.slice(0, 4));
    const started = performance.now();
    await embedder.embed(longChunks);
    const perSecond = longChunks.length / ((performance.now() - started) / 1000);
    note(`window-filling chunks (~${fmt(longTokens.mean, 0)} tokens), ${t} thread(s), <= ${maxBatchTokens} padded tokens per call: ${fmt(perSecond)} chunks/s`);
    matrix.push({ threads: t, maxBatchTokens, perSecond });
  }
}
const oldSetting = matrix.find((m) => m.threads === threads && m.maxBatchTokens === OLD_MAX_BATCH_TOKENS) ?? matrix[0]!;
const best = matrix.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
const current = matrix.find((m) => m.threads === threads && m.maxBatchTokens === DEFAULT_MAX_BATCH_TOKENS) ?? oldSetting;
const throughput: Array<{ batch: number; chunks: number; perSecond: number }> = [];
for (const batch of BATCH_SIZES) {
  // Batch 1 is slow; a quarter of the chunks is enough to measure it.
  const texts = batch === 1 ? chunks.slice(0, Math.max(32, CHUNKS / 4)) : chunks;
  throughput.push({ batch, chunks: texts.length, perSecond: await chunksPerSecond(`batch ${batch}`, batch, texts) });
}

const latencies: number[] = [];
for (const query of queries) {
  const started = performance.now();
  await reference.embed([query]);
  latencies.push(performance.now() - started);
}
const query = summarize(latencies);

const [port] = await freePorts(1);
const postgres = await startEmbeddedPostgres({ port: port! });
const pool = createPool(postgres.url, 2);
let cold: number;
let warm: number;
try {
  await migrate(pool);
  const cached = createCachedEmbedder(createLocalMiniLmEmbedder({ modelDir, threads }), createEmbeddingCacheStore(pool));
  let started = performance.now();
  await cached.embed(chunks);
  cold = CHUNKS / ((performance.now() - started) / 1000);
  started = performance.now();
  await cached.embed(chunks);
  warm = CHUNKS / ((performance.now() - started) / 1000);
} finally {
  await pool.end();
  await postgres.stop();
}

process.stdout.write(
  `${table([
    [`local all-MiniLM-L6-v2 (int8), ${threads} thread(s)`, 'chunks', 'chunks/s'],
    ['default batching (<= 512 padded tokens per call)', String(CHUNKS), fmt(byDefault)],
    ...throughput.map((t) => [`fixed batch ${t.batch}`, String(t.chunks), fmt(t.perSecond)]),
    ['through the cache, first pass (embed + write)', String(CHUNKS), fmt(cold)],
    ['through the cache, second pass (all hits)', String(CHUNKS), fmt(warm, 0)],
  ])}\n\n`,
);
process.stdout.write(
  `${table([
    [`window-filling chunks (~${fmt(longTokens.mean, 0)} tokens)`, 'threads', 'chunks/s', 'per core'],
    ...matrix.map((m) => [
      `<= ${m.maxBatchTokens} padded tokens per call${m === oldSetting ? ' (old setting)' : ''}${m.threads === threads && m.maxBatchTokens === DEFAULT_MAX_BATCH_TOKENS ? ' (default)' : ''}`,
      String(m.threads), fmt(m.perSecond), fmt(m.perSecond / m.threads),
    ]),
  ])}\n\n`,
);
process.stdout.write(
  `${table([
    ['single query', 'p50 ms', 'p95 ms', 'max ms', 'samples'],
    ['one short text per call', fmt(query.p50, 2), fmt(query.p95, 2), fmt(query.max, 2), String(query.count)],
  ])}\n\n`,
);
process.stdout.write(
  `${JSON.stringify({
    chunks_per_s: round(byDefault, 1),
    window_chunks_per_s: round(current.perSecond, 1),
    window_chunks_per_s_per_core: round(current.perSecond / current.threads, 1),
    window_chunks_per_s_old_setting: round(oldSetting.perSecond, 1),
    window_best: { threads: best.threads, max_batch_tokens: best.maxBatchTokens, chunks_per_s: round(best.perSecond, 1) },
    window_tokens_per_chunk: round(longTokens.mean, 0),
    default_max_batch_tokens: DEFAULT_MAX_BATCH_TOKENS,
    chunks_per_s_by_batch: Object.fromEntries(throughput.map((t) => [t.batch, round(t.perSecond, 1)])),
    query_p50_ms: round(query.p50, 2),
    query_p95_ms: round(query.p95, 2),
    cached_chunks_per_s: round(warm, 0),
    cache_first_pass_chunks_per_s: round(cold, 1),
    model: reference.id,
    dimension: reference.dimension,
    tokens_per_chunk: round(tokens.mean, 0),
    load_ms: round(loadMs, 0),
    threads,
    cores: availableParallelism(),
    load_average_1m: round(loadavg()[0]!, 2),
    goal_chunks_per_s: GOAL_CHUNKS_PER_S,
    goal_met: byDefault >= GOAL_CHUNKS_PER_S,
    node: process.version,
  })}\n`,
);
