/**
 * `npm run bench:tools`: what the tool registry adds to one HTTP tool call.
 *
 * Starts a private in-memory Postgres (PGlite, as in the tests), migrates it, and a local HTTP
 * server that answers at once. It then measures, on this one Node thread, alternating so that
 * drift hits all of them alike:
 *
 * - `executeTool` of an HTTP tool with bearer auth from a tenant secret: look up the execution
 *   record, resolve the tool, check the arguments against its schema, decrypt the secret, fill the
 *   template, call through the outbound client (SSRF checks, pinned address), redact, record;
 * - the baseline: the same request through the outbound client alone (what any server-side fetch
 *   pays);
 * - a replay: `executeTool` again with an idempotency key already recorded (one query).
 *
 * The record write is the one real cost: run it against native Postgres (the default, fsync off
 * as for a throwaway server) or against the in-process PGlite (BENCH_ENGINE=pglite), whose
 * WebAssembly writes run on this same thread.
 *
 * Prints a table to stdout, then one JSON object as the very last line.
 * Knobs (env): BENCH_CALLS (1000 per kind), BENCH_ENGINE (native | pglite).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createToolActivities } from '../activities/tools/create-tool-activities.ts';
import { createPromptServices } from '../core/prompts/prompt-services.ts';
import { ToolSpecSchema } from '../core/tools/tool-spec.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool } from '../platform/db/pool.ts';
import { createOutboundClient } from '../platform/outbound/outbound-client.ts';
import { outboundPolicy, parseAllowedHost } from '../platform/outbound/outbound-policy.ts';
import { parsePayloadKeys, generatePayloadKeyEntry } from '../platform/temporal/payload-codec/payload-key-ring.ts';
import { createTenantSecretStore } from '../stores/tenant-secrets.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { createToolExecutionStore } from '../stores/tool-executions.ts';
import { createToolStore } from '../stores/tools.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { fmt, round, summarize, table } from '../tooling/bench/stats.ts';
import { startEmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { startNativePostgres } from '../tooling/native-postgres/native-postgres.ts';

const CALLS = intEnv('BENCH_CALLS', 1000, 50, 100_000);
const ENGINE = process.env.BENCH_ENGINE?.trim() || 'native';
if (ENGINE !== 'native' && ENGINE !== 'pglite') throw new Error(`BENCH_ENGINE must be native or pglite (got "${ENGINE}")`);
const WARMUP = Math.max(20, Math.floor(CALLS / 10));
const note = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"temperature":21,"unit":"C"}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const serverPort = (server.address() as AddressInfo).port;

const [port] = await freePorts(1);
const postgres = ENGINE === 'native' ? await startNativePostgres({ port: port!, log: note }) : await startEmbeddedPostgres({ port: port! });
const pool = createPool(postgres.url, 4);
try {
  await migrate(pool);
  const tenantId = (await createTenantStore(pool).create('bench')).id;
  const tools = createToolStore(pool);
  const secrets = createTenantSecretStore(pool, parsePayloadKeys(generatePayloadKeyEntry()));
  // The local server stands for an allowed intranet host: both the operator and the tool allow it.
  const outbound = createOutboundClient(outboundPolicy({ allowHosts: [parseAllowedHost(`127.0.0.1:${serverPort}`)!] }));
  await secrets.put(tenantId, 'weather.token', 'sk-bench-token');
  await tools.create(
    tenantId,
    'weather',
    ToolSpecSchema.parse({
      kind: 'http',
      description: 'Current weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' }, units: { enum: ['metric', 'imperial'] } }, required: ['city'] },
      http: { url: `http://127.0.0.1:${serverPort}/v1/current/{city}{?units}`, auth: { type: 'bearer', secret: 'weather.token' }, allow_private_network: true },
    }),
  );
  const activities = createToolActivities({
    tools,
    secrets,
    executions: createToolExecutionStore(pool),
    outbound,
    // Built-ins only: an HTTP tool never touches memory search.
    search: undefined as never,
    renderer: createPromptServices(pool).renderer,
  });

  let n = 0;
  const tool = async () => {
    const key = `bench:${n++}`;
    const started = performance.now();
    const result = await activities.executeTool({ tenantId, runId: 'bench', callId: key, toolName: 'weather', arguments: '{"city":"Paris","units":"metric"}', idempotencyKey: key });
    if (!result.ok) throw new Error(`the tool call failed: ${JSON.stringify(result)}`);
    return performance.now() - started;
  };
  const direct = async () => {
    const started = performance.now();
    const res = await outbound.fetch(`http://127.0.0.1:${serverPort}/v1/current/Paris?units=metric`, { headers: { authorization: 'Bearer sk-bench-token', 'idempotency-key': 'x' } });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - started;
  };
  const replay = async () => {
    const key = `bench:${Math.floor(Math.random() * Math.max(1, n))}`;
    const started = performance.now();
    const result = await activities.executeTool({ tenantId, runId: 'bench', callId: key, toolName: 'weather', arguments: '{}', idempotencyKey: key });
    if (!result.replayed) throw new Error('expected a replay');
    return performance.now() - started;
  };

  note(`warming up (${WARMUP} of each)`);
  for (let i = 0; i < WARMUP; i++) {
    await tool();
    await direct();
    await replay();
  }
  const samples = { tool: [] as number[], direct: [] as number[], replay: [] as number[] };
  note(`measuring ${CALLS} of each, alternated`);
  for (let i = 0; i < CALLS; i++) {
    samples.tool.push(await tool());
    samples.direct.push(await direct());
    samples.replay.push(await replay());
  }
  const t = summarize(samples.tool);
  const d = summarize(samples.direct);
  const r = summarize(samples.replay);
  process.stdout.write(
    `${table([
      ['per call', 'p50 ms', 'p99 ms', 'mean ms', 'samples'],
      ['executeTool (HTTP, bearer secret, recorded)', fmt(t.p50, 3), fmt(t.p99, 3), fmt(t.mean, 3), String(t.count)],
      ['baseline: outbound client fetch alone', fmt(d.p50, 3), fmt(d.p99, 3), fmt(d.mean, 3), String(d.count)],
      ['executeTool replay (recorded result)', fmt(r.p50, 3), fmt(r.p99, 3), fmt(r.mean, 3), String(r.count)],
    ])}\n\n`,
  );
  process.stdout.write(
    `${JSON.stringify({
      tool_call_p50_ms: round(t.p50, 3),
      tool_call_p99_ms: round(t.p99, 3),
      baseline_fetch_p50_ms: round(d.p50, 3),
      baseline_fetch_p99_ms: round(d.p99, 3),
      tool_overhead_p50_ms: round(t.p50 - d.p50, 3),
      replay_p50_ms: round(r.p50, 3),
      replay_p99_ms: round(r.p99, 3),
      calls: CALLS,
      database: ENGINE === 'native' ? 'postgres (native, fsync off)' : 'pglite (in-memory, same thread)',
      node: process.version,
    })}\n`,
  );
} finally {
  await pool.end();
  await postgres.stop();
  server.close();
}
