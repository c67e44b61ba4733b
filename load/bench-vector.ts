/**
 * `npm run bench:vector`: pgvector HNSW over clustered 384-dim vectors, through our store.
 *
 * For each size (BENCH_SIZES, default 100k and 1M) on a fresh server:
 * - N unit vectors drawn deterministically (seeded) from BENCH_CLUSTERS Gaussian clusters;
 * - the table comes from ensureVectorTable (the store's DDL); its indexes are dropped during the
 *   load and the HNSW index is rebuilt afterwards from its own captured definition, which is how
 *   a bulk load should be done (build_s is that CREATE INDEX);
 * - insert rate (multi-row INSERT ... unnest(text[]) cast to vector, 2 batches in flight);
 * - index and table size, server memory (PSS of the postmaster and its children, peak while
 *   building and after the queries; with PGlite, this process's peak RSS);
 * - BENCH_QUERIES held-out vectors from the same clusters at k=10: exact search first (the
 *   store's SQL with index scans off: brute force, the ground truth), then the store's query()
 *   (our code path: transaction, SET LOCAL ef_search and iterative scan, tenant + model filter)
 *   at each BENCH_EF_SEARCH; p50/p95/p99 and recall@10 against exact.
 * The reported ef_search is the smallest reaching recall@10 >= 0.95 (else the best recall).
 *
 * Prints tables, then ONE JSON object as the very last line, for the largest size.
 * Knobs (env): BENCH_SIZES (100000,1000000), BENCH_ENGINE (native | pglite), BENCH_QUERIES (200),
 * BENCH_EF_SEARCH (40,100,200,400,800), BENCH_HNSW_M (16), BENCH_EF_CONSTRUCTION (128, the store's default), BENCH_CLUSTERS
 * (1000), BENCH_NOISE (0.05 per dimension), BENCH_SEED (42), BENCH_MAINTENANCE_WORK_MEM (cap,
 * 3GB native / 1GB pglite), BENCH_SHARED_BUFFERS (native; default sized to table + index).
 */
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { startNativePostgres } from '../tooling/native-postgres/native-postgres.ts';
import { fmt, round, summarize, table, type Summary } from '../tooling/bench/stats.ts';
import { startEmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';
import { filterToSql } from '../stores/vectors/metadata-filter-sql.ts';
import { createPgvectorStore, DEFAULT_HNSW, ensureVectorTable, tableFor } from '../stores/vectors/pgvector-vector-store.ts';
import { intEnv, intListEnv } from '../tooling/bench/bench-env.ts';
import { clusteredVectors, vectorText } from '../tooling/bench/clustered-vectors.ts';
import { selfPeakRssMb, treePssMb } from '../tooling/bench/process-memory.ts';

type Engine = 'native' | 'pglite';

const ENGINE = (process.env.BENCH_ENGINE?.trim() || 'native') as Engine;
if (ENGINE !== 'native' && ENGINE !== 'pglite') throw new Error(`BENCH_ENGINE must be native or pglite (got "${ENGINE}")`);
/** PGlite is a 32-bit wasm build with a 2 GiB heap: past ~300k vectors its HNSW graph no longer fits. */
const PGLITE_MAX = 300_000;
const SIZES = intListEnv('BENCH_SIZES', ENGINE === 'native' ? [100_000, 1_000_000] : [100_000], 1_000, 10_000_000).sort((a, b) => a - b);
if (ENGINE === 'pglite' && SIZES.some((n) => n > PGLITE_MAX)) {
  throw new Error(
    `BENCH_ENGINE=pglite goes up to ${PGLITE_MAX} vectors: PGlite's 2 GiB wasm heap cannot hold a larger HNSW graph ` +
      `(a 1M build would spill to the slow on-disk path for 30-60+ min). Use the native engine for larger sizes.`,
  );
}
const QUERIES = intEnv('BENCH_QUERIES', 200, 10, 100_000);
const EF_SEARCH = intListEnv('BENCH_EF_SEARCH', [40, 100, 200, 400, 800], 10, 1000).sort((a, b) => a - b);
const M = intEnv('BENCH_HNSW_M', DEFAULT_HNSW.m, 2, 100);
const EF_CONSTRUCTION = intEnv('BENCH_EF_CONSTRUCTION', DEFAULT_HNSW.efConstruction, 4, 1000);
const CLUSTERS = intEnv('BENCH_CLUSTERS', 1000, 1, 1_000_000);
const NOISE = Number(process.env.BENCH_NOISE?.trim() || '0.05');
if (!(NOISE >= 0 && NOISE <= 10)) throw new Error(`BENCH_NOISE must be a number between 0 and 10 (got "${process.env.BENCH_NOISE}")`);
const SEED = intEnv('BENCH_SEED', 42, 0, 2 ** 31);
const MWM_CAP_MB = mbEnv('BENCH_MAINTENANCE_WORK_MEM', ENGINE === 'native' ? 3072 : 1024);
const SHARED_BUFFERS_MB = process.env.BENCH_SHARED_BUFFERS?.trim() ? mbEnv('BENCH_SHARED_BUFFERS', 0) : undefined;

const DIMENSION = 384;
const K = 10;
const RECALL_TARGET = 0.95;
const GOAL = { size: 1_000_000, p95_ms: 20, recall_at_10: RECALL_TARGET };
const TENANT = 'bench-tenant';
const MODEL = 'bench/clustered-384';
const TABLE = tableFor(DIMENSION);
const BATCH = 1000;
const IN_FLIGHT = 2;
const WARMUP_QUERIES = 30;

/** '3GB' / '512MB' / '2048' (MB) to MB. */
function mbEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const match = /^(\d+)\s*(MB|GB)?$/i.exec(raw);
  if (!match) throw new Error(`${name} must look like 512MB or 3GB (got "${raw}")`);
  return Number(match[1]) * (match[2]?.toUpperCase() === 'GB' ? 1024 : 1);
}

const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const data = clusteredVectors({ seed: SEED, clusters: CLUSTERS, dimension: DIMENSION, noise: NOISE });
const queryVectors = data.sample(2, QUERIES);
const warmupVectors = data.sample(3, WARMUP_QUERIES);

// ---------------------------------------------------------------------------------------------
// One size.

interface SearchRow {
  label: string;
  efSearch: number | null;
  latency: Summary;
  recall: number;
}

interface SizeResult {
  size: number;
  engine: Engine;
  server: string;
  pgvector: string;
  insertS: number;
  insertRowsPerS: number;
  buildS: number;
  buildNotices: string[];
  maintenanceWorkMemMb: number;
  sharedBuffersMb: number | null;
  indexMb: number;
  tableMb: number;
  memPeakBuildMb: number | null;
  memAfterQueriesMb: number | null;
  memKind: string;
  exact: SearchRow;
  exactPlan: string;
  rows: SearchRow[];
  chosen: SearchRow;
  indexUsed: boolean;
  loadDuringQueries: [number, number];
}

interface Server {
  url: string;
  stop(): Promise<void>;
  /** Server memory now, MB (sampled for the build's peak). */
  memoryMb(): number | null;
  /** Peak over the build: the highest sample, or a high-water mark the OS keeps. */
  peakMb(sampled: number | null): number | null;
  memKind: string;
  describe: string;
  vectorVersion: string;
}

let current: Server | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    note(`${signal}: stopping the server`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const mb = (bytes: number) => bytes / 1024 ** 2;
const ceilTo = (value: number, step: number) => Math.ceil(value / step) * step;

async function startServer(size: number, mwmMb: number): Promise<{ server: Server; sharedBuffersMb: number | null }> {
  if (ENGINE === 'pglite') {
    const [port] = await freePorts(1);
    const pglite = await startEmbeddedPostgres({ port: port! });
    return {
      server: {
        url: pglite.url,
        stop: () => pglite.stop(),
        memoryMb: () => mb(process.memoryUsage().rss),
        // PGlite runs the build synchronously on this thread, so no sample lands during it: use VmHWM.
        peakMb: () => selfPeakRssMb(),
        memKind: 'RSS of this process, which runs PGlite',
        describe: 'PGlite (wasm)',
        vectorVersion: '',
      },
      sharedBuffersMb: null,
    };
  }
  // Enough shared buffers for table + index (~1.7 + ~2.1 KB per 384-dim vector), at most a quarter of RAM.
  const sharedBuffersMb = SHARED_BUFFERS_MB ?? Math.min(ceilTo((size * 4096) / 1024 ** 2, 256), ceilTo(mb(totalmem()) / 4, 256));
  const native = await startNativePostgres({
    settings: { shared_buffers: `${sharedBuffersMb}MB`, maintenance_work_mem: `${mwmMb}MB`, max_parallel_maintenance_workers: 1, autovacuum: 'off' },
    log: note,
  });
  return {
    server: {
      url: native.url,
      stop: () => native.stop(),
      memoryMb: () => treePssMb(native.pid),
      peakMb: (sampled) => sampled,
      memKind: 'PSS of the postmaster and its backends',
      describe: native.version.replace(/ on .*/, ''),
      vectorVersion: native.vectorVersion ?? '?',
    },
    sharedBuffersMb,
  };
}

async function load(pool: Pool, size: number): Promise<number> {
  const next = data.stream(1);
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  const started = performance.now();
  let lastNote = started;
  for (let offset = 0; offset < size; offset += BATCH) {
    const ids: string[] = [];
    const vectors: string[] = [];
    for (let i = offset; i < Math.min(size, offset + BATCH); i++) {
      ids.push(`v${i}`);
      vectors.push(vectorText(next()));
    }
    const task: Promise<void> = pool
      .query(
        `INSERT INTO ${TABLE} (tenant_id, id, model, embedding)
         SELECT $1, r.id, $2, r.embedding::vector FROM unnest($3::text[], $4::text[]) AS r(id, embedding)`,
        [TENANT, MODEL, ids, vectors],
      )
      .then(
        () => undefined,
        (err: unknown) => {
          failure ??= err;
        },
      )
      .then(() => {
        inflight.delete(task);
      });
    inflight.add(task);
    if (inflight.size >= IN_FLIGHT) await Promise.race(inflight);
    if (failure) break;
    if (performance.now() - lastNote > 15_000) {
      lastNote = performance.now();
      const done = offset + BATCH;
      note(`  inserted ${done.toLocaleString('en-US')} / ${size.toLocaleString('en-US')} (${fmt(done / ((lastNote - started) / 1000), 0)} rows/s)`);
    }
  }
  await Promise.all(inflight);
  if (failure) throw failure;
  return (performance.now() - started) / 1000;
}

/** The store's query SQL (see createPgvectorStore) with index scans off: a brute-force scan. */
async function exactSearch(pool: Pool, vector: number[], explain = false): Promise<string[]> {
  const params: unknown[] = [`[${vector.join(',')}]`, TENANT, MODEL, K];
  const where = filterToSql(undefined, params);
  return withTransaction(pool, async (db) => {
    await db.query('SET LOCAL enable_indexscan = off');
    await db.query('SET LOCAL enable_bitmapscan = off');
    const { rows } = await db.query<Record<string, string>>(
      `${explain ? 'EXPLAIN ' : ''}SELECT id, metadata, 1 - (embedding <=> $1::vector) AS score
         FROM ${TABLE}
        WHERE tenant_id = $2 AND model = $3 AND ${where}
        ORDER BY embedding <=> $1::vector
        LIMIT $4`,
      params,
    );
    return rows.map((r) => (explain ? r['QUERY PLAN']! : r.id!));
  });
}

/** EXPLAIN of the store's query under the store's session settings: does it use the HNSW index? */
async function storePlan(pool: Pool, efSearch: number): Promise<string> {
  const params: unknown[] = [`[${queryVectors[0]!.join(',')}]`, TENANT, MODEL, K];
  return withTransaction(pool, async (db) => {
    await db.query(`SET LOCAL hnsw.ef_search = ${efSearch}`);
    await db.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id, metadata, 1 - (embedding <=> $1::vector) AS score FROM ${TABLE}
        WHERE tenant_id = $2 AND model = $3 AND true ORDER BY embedding <=> $1::vector LIMIT $4`,
      params,
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

const planShape = (plan: string) =>
  plan
    .split('\n')
    .map((line) => /(?:->\s*)?([A-Z][A-Za-z ]+?)(?: using (\S+))?(?: on \S+)?\s+\(cost/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => (m[2] ? `${m[1]} (${m[2]})` : m[1]!))
    .join(' > ');

async function runSize(size: number): Promise<SizeResult> {
  // The graph needs ~2.1 KB per vector (pgvector: "no longer fits" after 31.9k tuples in 64 MB).
  const mwmMb = Math.min(MWM_CAP_MB, Math.max(256, ceilTo((size * 3072) / 1024 ** 2, 64)));
  const { server, sharedBuffersMb } = await startServer(size, mwmMb);
  current = server;
  const pool = createPool(server.url, 3);
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    const vectorVersion = server.vectorVersion || (await pool.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`)).rows[0]!.v;
    const serverVersion = ENGINE === 'pglite' ? `PGlite, ${(await pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.replace(/ on .*/, '')}` : server.describe;
    note(`${size.toLocaleString('en-US')} vectors on ${serverVersion}, pgvector ${vectorVersion}`);

    // The store's own DDL; keep its index definitions, drop them for the load, rebuild after.
    const hnsw = { m: M, efConstruction: EF_CONSTRUCTION, efSearch: EF_SEARCH[0]! };
    await ensureVectorTable(pool, DIMENSION, hnsw);
    const { rows: indexes } = await pool.query<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`,
      [TABLE],
    );
    const hnswIndex = indexes.find((i) => /USING hnsw/i.test(i.def));
    if (!hnswIndex) throw new Error(`ensureVectorTable created no HNSW index on ${TABLE}`);
    for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);

    note(`inserting ${size.toLocaleString('en-US')} vectors (${BATCH} per INSERT, ${IN_FLIGHT} in flight) ...`);
    const insertS = await load(pool, size);
    note(`  insert: ${fmt(insertS)} s (${fmt(size / insertS, 0)} rows/s)`);
    for (const index of indexes) if (index !== hnswIndex) await pool.query(index.def);
    await pool.query(`VACUUM (ANALYZE) ${TABLE}`);

    note(`building: ${hnswIndex.def} (maintenance_work_mem ${mwmMb} MB${ENGINE === 'native' ? ', 1 parallel worker' : ''}) ...`);
    const buildNotices: string[] = [];
    let memPeakBuildMb: number | null = null;
    const sample = () => {
      const value = server.memoryMb();
      if (value !== null) memPeakBuildMb = Math.max(memPeakBuildMb ?? 0, value);
    };
    const sampler = setInterval(sample, 500);
    const progress = ENGINE === 'native'
      ? setInterval(() => {
          pool
            .query<{ phase: string; done: string; total: string }>('SELECT phase, tuples_done AS done, tuples_total AS total FROM pg_stat_progress_create_index')
            .then(({ rows }) => {
              const r = rows[0];
              // HNSW builds report tuples_done but leave tuples_total at 0.
              if (r) note(`  ${r.phase}: ${Number(r.done).toLocaleString('en-US')} of ${size.toLocaleString('en-US')} tuples${memPeakBuildMb !== null ? `, server peak ${fmt(memPeakBuildMb, 0)} MB` : ''}`);
            })
            .catch(() => undefined);
        }, 30_000)
      : undefined;
    const builder = await pool.connect();
    const onNotice = (msg: { message?: string }) => buildNotices.push(msg.message ?? String(msg));
    let buildS: number;
    try {
      builder.on('notice', onNotice);
      await builder.query(`SET maintenance_work_mem = '${mwmMb}MB'`);
      if (ENGINE === 'native') await builder.query('SET max_parallel_maintenance_workers = 1');
      const started = performance.now();
      await builder.query(hnswIndex.def);
      buildS = (performance.now() - started) / 1000;
    } finally {
      builder.off('notice', onNotice);
      builder.release();
      clearInterval(sampler);
      if (progress) clearInterval(progress);
    }
    sample();
    memPeakBuildMb = server.peakMb(memPeakBuildMb);
    note(`  build: ${fmt(buildS)} s${buildNotices.length ? ` (notices: ${buildNotices.join('; ')})` : ''}`);
    await pool.query(`ANALYZE ${TABLE}`);
    const sizes = (await pool.query<{ index: string; table: string }>(`SELECT pg_relation_size($1::regclass) AS index, pg_table_size($2::regclass) AS table`, [hnswIndex.name, TABLE])).rows[0]!;

    // Exact search first: it is the ground truth for recall.
    const exactPlan = planShape((await exactSearch(pool, queryVectors[0]!, true)).join('\n'));
    note(`exact search, ${QUERIES} queries (plan: ${exactPlan}) ...`);
    const load0 = loadavg()[0]!;
    const truth: Array<Set<string>> = [];
    const exactLatencies: number[] = [];
    for (const v of warmupVectors.slice(0, 3)) await exactSearch(pool, v);
    for (const v of queryVectors) {
      const started = performance.now();
      const ids = await exactSearch(pool, v);
      exactLatencies.push(performance.now() - started);
      if (ids.length !== K) throw new Error(`exact search returned ${ids.length} rows, expected ${K}`);
      truth.push(new Set(ids));
    }
    const exact: SearchRow = { label: 'exact (index off, brute force)', efSearch: null, latency: summarize(exactLatencies), recall: 1 };

    const rows: SearchRow[] = [];
    let indexUsed = true;
    for (const efSearch of EF_SEARCH) {
      const store = await createPgvectorStore({ pool, model: MODEL, dimension: DIMENSION, hnsw: { m: M, efConstruction: EF_CONSTRUCTION, efSearch } });
      const plan = await storePlan(pool, Math.max(efSearch, K));
      if (!plan.includes(hnswIndex.name)) {
        indexUsed = false;
        note(`  WARNING: the store's query does not use ${hnswIndex.name} at ef_search=${efSearch}: ${planShape(plan)}`);
      }
      for (const vector of warmupVectors) await store.query(TENANT, { vector, topK: K });
      const latencies: number[] = [];
      let hits = 0;
      for (let q = 0; q < QUERIES; q++) {
        const started = performance.now();
        const matches = await store.query(TENANT, { vector: queryVectors[q]!, topK: K });
        latencies.push(performance.now() - started);
        for (const m of matches) if (truth[q]!.has(m.id)) hits++;
      }
      const row: SearchRow = { label: `hnsw ef_search=${efSearch} (store.query)`, efSearch, latency: summarize(latencies), recall: hits / (QUERIES * K) };
      rows.push(row);
      note(`  ef_search=${efSearch}: p50 ${fmt(row.latency.p50, 2)} ms, p95 ${fmt(row.latency.p95, 2)} ms, recall@10 ${fmt(row.recall, 3)}`);
    }
    const load1 = loadavg()[0]!;
    const memAfterQueriesMb = server.memoryMb();
    const chosen = rows.find((r) => r.recall >= RECALL_TARGET) ?? [...rows].sort((a, b) => b.recall - a.recall)[0]!;
    return {
      size,
      engine: ENGINE,
      server: serverVersion,
      pgvector: vectorVersion,
      insertS,
      insertRowsPerS: size / insertS,
      buildS,
      buildNotices,
      maintenanceWorkMemMb: mwmMb,
      sharedBuffersMb,
      indexMb: mb(Number(sizes.index)),
      tableMb: mb(Number(sizes.table)),
      memPeakBuildMb,
      memAfterQueriesMb,
      memKind: server.memKind,
      exact,
      exactPlan,
      rows,
      chosen,
      indexUsed,
      loadDuringQueries: [load0, load1],
    };
  } finally {
    await pool.end();
    // pool.end() resolves once each client has sent Terminate; let the backends see it before the
    // shutdown, or a backend may report 'terminating connection' to a client still reading.
    await new Promise((r) => setTimeout(r, 200));
    await server.stop();
    current = undefined;
  }
}

// ---------------------------------------------------------------------------------------------

note(
  `engine ${ENGINE}; sizes ${SIZES.join(', ')}; ${DIMENSION} dims, ${CLUSTERS} clusters, noise ${NOISE}/dim, seed ${SEED}; ` +
    `HNSW m=${M} ef_construction=${EF_CONSTRUCTION}; ${QUERIES} queries at k=${K}, ef_search ${EF_SEARCH.join('/')}; load avg ${fmt(loadavg()[0]!, 2)} on ${availableParallelism()} cores`,
);
const results: SizeResult[] = [];
for (const size of SIZES) results.push(await runSize(size));

const ms = (v: number) => fmt(v, 2);
for (const r of results) {
  process.stdout.write(
    `\n${r.size.toLocaleString('en-US')} vectors, ${r.server}, pgvector ${r.pgvector}\n` +
      `  insert ${fmt(r.insertS)} s (${fmt(r.insertRowsPerS, 0)} rows/s); HNSW build ${fmt(r.buildS)} s (m=${M}, ef_construction=${EF_CONSTRUCTION}, maintenance_work_mem ${r.maintenanceWorkMemMb} MB)` +
      `${r.buildNotices.length ? `; notices: ${r.buildNotices.join('; ')}` : ''}\n` +
      `  index ${fmt(r.indexMb, 0)} MB, table ${fmt(r.tableMb, 0)} MB${r.sharedBuffersMb !== null ? `, shared_buffers ${r.sharedBuffersMb} MB` : ''}; ` +
      `memory (${r.memKind}): ${r.memPeakBuildMb !== null ? `${fmt(r.memPeakBuildMb, 0)} MB peak while building` : 'n/a'}, ${r.memAfterQueriesMb !== null ? `${fmt(r.memAfterQueriesMb, 0)} MB after the queries` : 'n/a'}\n` +
      `  load average ${fmt(r.loadDuringQueries[0], 2)} -> ${fmt(r.loadDuringQueries[1], 2)} during the queries; exact plan: ${r.exactPlan}${r.indexUsed ? '' : '; WARNING: HNSW index NOT used'}\n\n`,
  );
  process.stdout.write(
    `${table([
      [`k=${K}, ${QUERIES} queries`, 'p50 ms', 'p95 ms', 'p99 ms', 'recall@10', ''],
      ...r.rows.map((row) => [row.label, ms(row.latency.p50), ms(row.latency.p95), ms(row.latency.p99), fmt(row.recall, 3), row === r.chosen ? '<- reported' : '']),
      [r.exact.label, ms(r.exact.latency.p50), ms(r.exact.latency.p95), ms(r.exact.latency.p99), fmt(1, 3), ''],
    ])}\n`,
  );
}
if (results.length > 1) {
  process.stdout.write(
    `\n${table([
      ['size', 'ef_search', 'p50 ms', 'p95 ms', 'p99 ms', 'recall@10', 'exact p50 ms', 'build s', 'insert s', 'index MB'],
      ...results.map((r) => [
        r.size.toLocaleString('en-US'), String(r.chosen.efSearch), ms(r.chosen.latency.p50), ms(r.chosen.latency.p95), ms(r.chosen.latency.p99),
        fmt(r.chosen.recall, 3), ms(r.exact.latency.p50), fmt(r.buildS), fmt(r.insertS), fmt(r.indexMb, 0),
      ]),
    ])}\n`,
  );
}

const largest = results[results.length - 1]!;
const goalApplies = largest.size >= GOAL.size;
const goalMet = goalApplies ? largest.chosen.latency.p95 <= GOAL.p95_ms && largest.chosen.recall >= GOAL.recall_at_10 && largest.indexUsed : null;
process.stdout.write(
  `\ngoal (p95 <= ${GOAL.p95_ms} ms with recall@10 >= ${GOAL.recall_at_10} at ${GOAL.size.toLocaleString('en-US')} vectors): ` +
    `${goalMet === null ? `not evaluated (largest size run is ${largest.size.toLocaleString('en-US')})` : goalMet ? 'met' : 'NOT met'}\n\n`,
);
process.stdout.write(
  `${JSON.stringify({
    size: largest.size,
    engine: largest.engine,
    p50_ms: round(largest.chosen.latency.p50),
    p95_ms: round(largest.chosen.latency.p95),
    p99_ms: round(largest.chosen.latency.p99),
    recall_at_10: round(largest.chosen.recall, 4),
    build_s: round(largest.buildS, 1),
    insert_s: round(largest.insertS, 1),
    index_mb: round(largest.indexMb, 0),
    ef_search: largest.chosen.efSearch,
    exact_p50_ms: round(largest.exact.latency.p50),
    exact_p95_ms: round(largest.exact.latency.p95),
    goal_met: goalMet,
    goal: GOAL,
    exact_p99_ms: round(largest.exact.latency.p99),
    insert_rows_per_s: round(largest.insertRowsPerS, 0),
    table_mb: round(largest.tableMb, 0),
    server_mem_peak_build_mb: largest.memPeakBuildMb === null ? null : round(largest.memPeakBuildMb, 0),
    server_mem_after_queries_mb: largest.memAfterQueriesMb === null ? null : round(largest.memAfterQueriesMb, 0),
    memory_measure: largest.memKind,
    maintenance_work_mem_mb: largest.maintenanceWorkMemMb,
    shared_buffers_mb: largest.sharedBuffersMb,
    build_notices: largest.buildNotices,
    index_used: largest.indexUsed,
    by_ef_search: largest.rows.map((r) => ({ ef_search: r.efSearch, p50_ms: round(r.latency.p50), p95_ms: round(r.latency.p95), p99_ms: round(r.latency.p99), recall_at_10: round(r.recall, 4) })),
    smaller_sizes: results.slice(0, -1).map((r) => ({
      size: r.size, ef_search: r.chosen.efSearch, p50_ms: round(r.chosen.latency.p50), p95_ms: round(r.chosen.latency.p95), p99_ms: round(r.chosen.latency.p99),
      recall_at_10: round(r.chosen.recall, 4), build_s: round(r.buildS, 1), insert_s: round(r.insertS, 1), index_mb: round(r.indexMb, 0), exact_p50_ms: round(r.exact.latency.p50),
    })),
    m: M,
    ef_construction: EF_CONSTRUCTION,
    k: K,
    queries: QUERIES,
    dimension: DIMENSION,
    clusters: CLUSTERS,
    noise: NOISE,
    seed: SEED,
    postgres: largest.server,
    pgvector: largest.pgvector,
    cores: availableParallelism(),
    load_average_1m: round(loadavg()[0]!, 2),
    node: process.version,
  })}\n`,
);
