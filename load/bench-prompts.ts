/**
 * `npm run bench:prompts`: how fast prompt templates render and resolve.
 *
 * Starts a private in-memory Postgres (PGlite with pgvector, as in the tests), migrates it, loads
 * the shipped library (prompts/library) into a tenant, then measures on this one Node thread:
 *
 * - render throughput of a cached, compiled version: variables validated against the JSON Schema
 *   and the template rendered in the sandbox, i.e. the full `renderPrepared` path, for a few
 *   library templates of different shapes;
 * - label → version resolution latency when cached (the resolver's in-process cache), and, for
 *   comparison, when it has to ask Postgres.
 *
 * Prints a table to stdout, then one JSON object as the very last line.
 * Knobs (env): BENCH_SECONDS (2, per render measurement), BENCH_RESOLVES (200000).
 */
import { freePorts } from '../tooling/bench/free-ports.ts';
import { fmt, round, summarize, table } from '../tooling/bench/stats.ts';
import { loadPromptTemplates, readTemplateFiles } from '../core/prompts/prompt-library-loader.ts';
import { createPromptServices } from '../core/prompts/prompt-services.ts';
import { createPromptResolver } from '../core/prompts/prompt-resolver.ts';
import { startEmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool } from '../platform/db/pool.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';


const SECONDS = intEnv('BENCH_SECONDS', 2, 1, 120);
const RESOLVES = intEnv('BENCH_RESOLVES', 200_000, 1_000, 10_000_000);
const UNCACHED_RESOLVES = 500;
/** The main figure uses the first; the others show how shape changes the cost. */
const TEMPLATES = ['assistant-system', 'summarize', 'rag-answer', 'support-reply'];

const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const [port] = await freePorts(1);
const postgres = await startEmbeddedPostgres({ port: port! });
const pool = createPool(postgres.url, 4);
try {
  await migrate(pool);
  const tenantId = (await createTenantStore(pool).create('bench')).id;
  const services = createPromptServices(pool);
  const library = 'prompts/library';
  const report = await loadPromptTemplates({ dir: library, tenantId, templates: services.templates, engine: services.engine });
  if (report.failed.length > 0) throw new Error(`the library did not load: ${JSON.stringify(report.failed)}`);
  const examples = new Map((await readTemplateFiles(library)).map((f) => [f.parsed!.name, f.parsed!.example ?? {}]));
  note(`loaded ${report.created.length} templates into an in-memory Postgres`);

  // Render throughput: one compiled version, rendered back to back for SECONDS.
  const renders: Array<{ template: string; perSecond: number; meanUs: number }> = [];
  for (const name of TEMPLATES) {
    const prepared = await services.renderer.prepare(tenantId, name, { label: 'production' });
    const variables = examples.get(name)!;
    for (let i = 0; i < 20_000; i++) services.renderer.renderPrepared(prepared, variables);
    let count = 0;
    const started = performance.now();
    const stopAt = started + SECONDS * 1000;
    while (performance.now() < stopAt) {
      for (let i = 0; i < 1_000; i++) services.renderer.renderPrepared(prepared, variables);
      count += 1_000;
    }
    const elapsed = performance.now() - started;
    renders.push({ template: name, perSecond: (count / elapsed) * 1000, meanUs: (elapsed * 1000) / count });
  }

  // Resolution, cached: the resolver answers label lookups from memory within its TTL.
  const resolver = createPromptResolver(services.templates, { labelTtlMs: 3_600_000 });
  const names = TEMPLATES;
  for (const name of names) await resolver.resolve(tenantId, name, { label: 'production' });
  const cached: number[] = new Array<number>(RESOLVES);
  for (let i = 0; i < RESOLVES; i++) {
    const started = performance.now();
    await resolver.resolve(tenantId, names[i % names.length]!, { label: 'production' });
    cached[i] = performance.now() - started;
  }
  // Resolution, uncached: every lookup is a Postgres query (the cost of a cache miss).
  const uncached: number[] = [];
  for (let i = 0; i < UNCACHED_RESOLVES; i++) {
    const name = names[i % names.length]!;
    resolver.forget(tenantId, name);
    const started = performance.now();
    await resolver.resolve(tenantId, name, { label: 'production' });
    uncached.push(performance.now() - started);
  }
  const hit = summarize(cached.slice(RESOLVES / 10));
  const miss = summarize(uncached.slice(UNCACHED_RESOLVES / 10));

  process.stdout.write(`${table([['template (validate + render)', 'renders/s', 'mean µs'], ...renders.map((r) => [r.template, fmt(r.perSecond, 0), fmt(r.meanUs, 2)])])}\n\n`);
  process.stdout.write(
    `${table([
      ['label → version', 'p50 ms', 'p99 ms', 'max ms', 'samples'],
      ['cached', fmt(hit.p50, 4), fmt(hit.p99, 4), fmt(hit.max, 3), String(hit.count)],
      ['Postgres (cache miss)', fmt(miss.p50, 3), fmt(miss.p99, 3), fmt(miss.max, 3), String(miss.count)],
    ])}\n\n`,
  );
  const main = renders[0]!;
  process.stdout.write(
    `${JSON.stringify({
      renders_per_s: Math.round(main.perSecond),
      renders_template: main.template,
      renders_per_s_by_template: Object.fromEntries(renders.map((r) => [r.template, Math.round(r.perSecond)])),
      resolve_p50_ms: round(hit.p50, 5),
      resolve_p99_ms: round(hit.p99, 5),
      resolve_uncached_p50_ms: round(miss.p50, 3),
      resolve_uncached_p99_ms: round(miss.p99, 3),
      goal_renders_per_s: 50_000,
      goal_resolve_p99_ms: 1,
      threads: 1,
      seconds_per_render_run: SECONDS,
      node: process.version,
    })}\n`,
  );
} finally {
  await pool.end();
  await postgres.stop();
}
