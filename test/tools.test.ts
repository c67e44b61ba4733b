import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolActivities, type ToolActivities } from '../activities/tools/create-tool-activities.ts';
import { createMemorySearch } from '../core/memory/memory-search.ts';
import { createPromptServices } from '../core/prompts/prompt-services.ts';
import { createOutboundClient } from '../platform/outbound/outbound-client.ts';
import { outboundPolicyFrom, type HostResolver } from '../platform/outbound/outbound-policy.ts';
import { parsePayloadKeys } from '../platform/temporal/payload-codec/payload-key-ring.ts';
import { createTenantSecretStore } from '../stores/tenant-secrets.ts';
import { createToolExecutionStore } from '../stores/tool-executions.ts';
import { createToolStore } from '../stores/tools.ts';
import { createMemoryFromEnv } from '../composition/memory-from-env.ts';
import { TEST_PAYLOAD_KEYS } from './support/payload-keys.ts';
import { dataConverterFromEnv } from '../platform/temporal/payload-codec/payload-data-converter.ts';
import type { Payload } from '@temporalio/common';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/** The downstream an HTTP tool calls: records every request, honours Idempotency-Key for orders. */
interface Downstream {
  port: number;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  /** Orders actually created, by idempotency key (a duplicate key creates nothing new). */
  orders: Map<string, number>;
  close(): Promise<void>;
}

async function startDownstream(privatePort: () => number): Promise<Downstream> {
  const requests: Downstream['requests'] = [];
  const orders = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname.startsWith('/echo/')) return send(200, { path: url.pathname, query: url.search, authorization: req.headers.authorization ?? null, api_key: req.headers['x-api-key'] ?? null, body });
      if (url.pathname === '/orders') {
        const key = String(req.headers['idempotency-key']);
        if (!orders.has(key)) orders.set(key, orders.size + 1);
        return send(201, { order: orders.get(key) });
      }
      if (url.pathname === '/slow') return void setTimeout(() => send(200, { late: true }), 3000);
      if (url.pathname === '/teapot') return send(418, { error: 'short and stout' });
      if (url.pathname === '/down') return send(503, { error: 'down' });
      if (url.pathname === '/big') return send(200, { blob: 'x'.repeat(5000) });
      if (url.pathname === '/to-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return void res.end();
      }
      if (url.pathname === '/to-private') {
        res.writeHead(302, { location: `http://127.0.0.1:${privatePort()}/internal` });
        return void res.end();
      }
      if (url.pathname === '/to-elsewhere') {
        res.writeHead(302, { location: 'http://elsewhere.example.com/' });
        return void res.end();
      }
      send(404, { error: 'no' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, requests, orders, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let p: TestPlatform;
let down: Downstream;
let internal: Downstream;
let activities: ToolActivities;
let admin: { tenantId: string; key: string };
let member: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
const logs: string[] = [];
const restoreWrites: Array<() => void> = [];

// A hostile DNS: names that resolve to loopback and to the metadata address.
const resolver: HostResolver = async (hostname) => {
  const table: Record<string, string> = { 'internal.example.com': '127.0.0.1', 'meta.example.com': '169.254.169.254', 'elsewhere.example.com': '127.0.0.1' };
  const address = table[hostname];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return write(chunk, ...rest);
    }) as typeof stream.write;
    restoreWrites.push(() => (stream.write = write));
  }
  internal = await startDownstream(() => 0);
  down = await startDownstream(() => internal.port);
  // The operator allows the downstream (a local server) as OUTBOUND_ALLOW_HOSTS would an intranet host; not `internal`.
  // With a worker: one test runs an agent through Temporal to read the histories.
  p = await startTestPlatform({ env: { OUTBOUND_ALLOW_HOSTS: `127.0.0.1:${down.port}`, LOG_LEVEL: 'debug' } });
  admin = await p.newTenant('tools', { role: 'admin' });
  // A member key of the same tenant: it reads the tenant's tools but may not write them.
  const memberKey = await p.call(`/v1/admin/tenants/${admin.tenantId}/keys`, { key: p.adminKey, body: { name: 'member' } });
  member = { tenantId: admin.tenantId, key: memberKey.body.key };
  other = await p.newTenant('tools-other', { role: 'admin' });
  const memory = await createMemoryFromEnv(p.env, p.pool);
  // The activities exactly as the worker builds them, over the platform's database, with a resolver that lies.
  activities = createToolActivities({
    tools: createToolStore(p.pool),
    secrets: createTenantSecretStore(p.pool, parsePayloadKeys(TEST_PAYLOAD_KEYS)),
    executions: createToolExecutionStore(p.pool),
    outbound: createOutboundClient(outboundPolicyFrom(p.env, { lookup: resolver })),
    search: createMemorySearch({ pool: p.pool, ...memory }),
    renderer: createPromptServices(p.pool).renderer,
  });
});

afterAll(async () => {
  for (const restore of restoreWrites) restore();
  await p?.close();
  await down?.close();
  await internal?.close();
});

const base = () => `http://127.0.0.1:${down.port}`;
const httpTool = (name: string, http: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  kind: 'http',
  description: `${name} test tool`,
  input_schema: { type: 'object', properties: { id: { type: 'string' }, q: { type: 'string' }, n: { type: 'integer' } } },
  ...extra,
  http: { allow_private_network: true, ...http },
});
let calls = 0;
const exec = (tenantId: string, toolName: string, args: unknown, key = `run-1:call-${++calls}`) =>
  activities.executeTool({ tenantId, runId: 'run-1', callId: `call-${calls}`, toolName, arguments: args as string, idempotencyKey: key });

describe('tool registry API', () => {
  it('creates versions (unchanged spec creates none), labels, gets by version and label, lists, deletes', async () => {
    const v1 = await p.call('/v1/tools', { key: admin.key, body: httpTool('lookup', { url: `${base()}/echo/{id}` }, { labels: ['prod'] }) });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect(v1.body).toMatchObject({ object: 'tool', name: 'lookup', version: 1, labels: ['prod'], kind: 'http', requires_approval: false, timeout_ms: 30000, source: null });
    expect(v1.body.http).toMatchObject({ method: 'GET', allow_private_network: true, max_response_bytes: 1048576 });
    const same = await p.call('/v1/tools', { key: admin.key, body: httpTool('lookup', { url: `${base()}/echo/{id}` }) });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    const v2 = await p.call('/v1/tools', { key: admin.key, body: httpTool('lookup', { url: `${base()}/echo/v2/{id}` }, { requires_approval: true }) });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, labels: [], requires_approval: true });

    expect((await p.call('/v1/tools/lookup', { key: member.key })).body.version).toBe(2);
    expect((await p.call('/v1/tools/lookup?version=1', { key: member.key })).body.http.url).toBe(`${base()}/echo/{id}`);
    expect((await p.call('/v1/tools/lookup?label=prod', { key: member.key })).body.version).toBe(1);
    expect((await p.call('/v1/tools/lookup?label=nope', { key: member.key })).status).toBe(404);
    expect((await p.call('/v1/tools/lookup/versions', { key: member.key })).body.data.map((t: { version: number }) => t.version)).toEqual([2, 1]);
    const listed = await p.call('/v1/tools', { key: member.key });
    expect(listed.body.data.map((t: { name: string; version: number }) => [t.name, t.version])).toEqual([['lookup', 2]]);

    // Resolution follows the same rules: latest, label, pinned version; built-ins come along with `all`.
    const resolved = await activities.resolveTools({ tenantId: admin.tenantId, names: ['lookup', 'lookup@prod', 'lookup@1', 'memory_search'] });
    expect(resolved.map((r) => [r.definition.name, r.version, r.requiresApproval, r.executor])).toEqual([
      ['lookup', 2, true, 'activity'],
      ['lookup', 1, false, 'activity'],
      ['lookup', 1, false, 'activity'],
      ['memory_search', 0, false, 'activity'],
    ]);
    const all = await activities.resolveTools({ tenantId: admin.tenantId, all: true });
    expect(all.map((r) => r.definition.name)).toEqual(['lookup', 'memory_search', 'rag_answer', 'render_prompt', 'start_agent']);
    expect(all.find((r) => r.definition.name === 'start_agent')?.executor).toBe('agent');
    await expect(activities.resolveTools({ tenantId: admin.tenantId, names: ['missing'] })).rejects.toMatchObject({ type: 'tool_contract_error', nonRetryable: true });

    const temp = await p.call('/v1/tools', { key: admin.key, body: { name: 'temp', kind: 'builtin', builtin: 'memory_search' } });
    expect(temp.status).toBe(201);
    expect((await p.call('/v1/tools/temp', { key: admin.key, method: 'DELETE' })).body).toEqual({ object: 'tool', name: 'temp', deleted: true });
    expect((await p.call('/v1/tools/temp', { key: admin.key })).status).toBe(404);
    expect((await p.call('/v1/tools/temp', { key: admin.key, method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad tools with 400 and every problem, and writes from non-admin keys with 403', async () => {
    const bad = [
      httpTool('bad name!', { url: `${base()}/x` }),
      httpTool('hostvar', { url: 'http://{host}/x' }),
      httpTool('ftp', { url: 'ftp://example.com/x' }),
      httpTool('hdr', { url: `${base()}/x`, headers: { Host: 'evil' } }),
      httpTool('slow', { url: `${base()}/x` }, { timeout_ms: 10_000_000 }),
      httpTool('schema', { url: `${base()}/x` }, { input_schema: { type: 'object', properties: { a: { type: 'wat' } } } }),
      httpTool('regex', { url: `${base()}/x` }, { input_schema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } } }),
      httpTool('notobj', { url: `${base()}/x` }, { input_schema: { type: 'string' } }),
      { name: 'b', kind: 'builtin', builtin: 'shell' },
      httpTool('auth', { url: `${base()}/x`, auth: { type: 'bearer', secret: 'has space' } }),
    ];
    for (const body of bad) {
      const res = await p.call('/v1/tools', { key: admin.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await p.call('/v1/tools', { key: member.key, body: httpTool('m', { url: `${base()}/x` }) })).status).toBe(403);
    expect((await p.call('/v1/secrets/m', { key: member.key, method: 'PUT', body: { value: 'v' } })).status).toBe(403);
    expect((await p.call('/v1/tools/bad%20name', { key: member.key })).status).toBe(400);
  });
});

describe('secrets', () => {
  const secretValue = `sk-live-${Math.random().toString(36).slice(2)}-do-not-leak`;

  it('authenticates a tool call with a secret that is absent from the API, the database, the result and the logs', async () => {
    const put = await p.call('/v1/secrets/vendor.token', { key: admin.key, method: 'PUT', body: { value: secretValue } });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ object: 'secret', name: 'vendor.token', created_at: expect.any(String), updated_at: expect.any(String) });
    expect((await p.call('/v1/secrets/vendor.token', { key: admin.key, method: 'PUT', body: { value: secretValue } })).status).toBe(200);
    expect((await p.call('/v1/tools', { key: admin.key, body: httpTool('whoami', { url: `${base()}/echo/me`, auth: { type: 'bearer', secret: 'vendor.token' } }) })).status).toBe(201);
    expect((await p.call('/v1/tools', { key: admin.key, body: httpTool('whoami_hdr', { url: `${base()}/echo/me`, auth: { type: 'header', header: 'X-Api-Key', secret: 'vendor.token' } }) })).status).toBe(201);

    const result = await exec(admin.tenantId, 'whoami', '{}');
    expect(result.ok).toBe(true);
    const sent = down.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${secretValue}`);
    // The server echoed the credential: the platform hands the model a redacted copy.
    expect(JSON.stringify(result)).not.toContain(secretValue);
    expect(result.ok && JSON.parse(result.content).authorization).toBe('Bearer [redacted]');
    const viaHeader = await exec(admin.tenantId, 'whoami_hdr', {});
    expect(down.requests.at(-1)!.headers['x-api-key']).toBe(secretValue);
    expect(JSON.stringify(viaHeader)).not.toContain(secretValue);

    const everywhere = [
      JSON.stringify((await p.call('/v1/secrets', { key: admin.key })).body),
      JSON.stringify((await p.call('/v1/tools/whoami', { key: admin.key })).body),
      JSON.stringify((await p.pool.query('SELECT * FROM tenant_secrets')).rows.map((r) => ({ ...r, nonce: r.nonce.toString('latin1'), ciphertext: r.ciphertext.toString('latin1') }))),
      JSON.stringify((await p.pool.query('SELECT * FROM tool_executions')).rows),
      JSON.stringify((await p.pool.query('SELECT * FROM tool_versions')).rows),
      logs.join(''),
    ];
    expect((await p.call('/v1/secrets', { key: admin.key })).body.data.map((s: { name: string }) => s.name)).toEqual(['vendor.token']);
    for (const [i, text] of everywhere.entries()) expect(text.includes(secretValue), `place #${i}`).toBe(false);
  });

  it("keeps tenants apart: another tenant neither sees nor uses this tenant's tools and secrets", async () => {
    expect((await p.call('/v1/tools/whoami', { key: other.key })).status).toBe(404);
    expect((await p.call('/v1/tools', { key: other.key })).body.data).toEqual([]);
    expect((await p.call('/v1/secrets', { key: other.key })).body.data).toEqual([]);
    expect((await p.call('/v1/secrets/vendor.token', { key: other.key, method: 'DELETE' })).status).toBe(404);
    expect(await exec(other.tenantId, 'whoami', {})).toMatchObject({ ok: false, error: { code: 'unknown_tool' } });
    // Its own tool naming the same secret gets nothing: the secret is the other tenant's.
    expect((await p.call('/v1/tools', { key: other.key, body: httpTool('steal', { url: `${base()}/echo/me`, auth: { type: 'bearer', secret: 'vendor.token' } }) })).status).toBe(201);
    const before = down.requests.length;
    expect(await exec(other.tenantId, 'steal', {})).toMatchObject({ ok: false, error: { code: 'secret_missing' } });
    expect(down.requests.length).toBe(before);
    // A ciphertext copied into the other tenant's row does not decrypt (tenant and name are authenticated).
    await p.pool.query(`INSERT INTO tenant_secrets (tenant_id, name, key_id, nonce, ciphertext) SELECT $1, name, key_id, nonce, ciphertext FROM tenant_secrets WHERE tenant_id = $2 AND name = 'vendor.token'`, [other.tenantId, admin.tenantId]);
    await expect(exec(other.tenantId, 'steal', {})).rejects.toThrow();
    expect(down.requests.length).toBe(before);
    expect((await p.call('/v1/secrets/vendor.token', { key: other.key, method: 'DELETE' })).status).toBe(200);
  });
});

describe('executing HTTP tools', () => {
  it('fills the URL template (segments percent-encoded, no path climbing), checks arguments against the schema', async () => {
    const ok = await exec(admin.tenantId, 'lookup@1', { id: 'a/b?c#d' });
    expect(ok).toMatchObject({ ok: true, replayed: false });
    expect(down.requests.at(-1)!.url).toBe('/echo/a%2Fb%3Fc%23d');
    expect(await exec(admin.tenantId, 'lookup@1', { id: '..' })).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await exec(admin.tenantId, 'lookup@1', { id: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await exec(admin.tenantId, 'lookup@1', '{not json')).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await exec(admin.tenantId, 'lookup@1', '[1]')).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await exec(admin.tenantId, 'lookup@1', {})).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });

    expect((await p.call('/v1/tools', { key: admin.key, body: httpTool('search', { url: `${base()}/echo/search{?q,n}`, method: 'POST', body: { template: { query: '{q}', limit: '{n}', note: 'q={q}' } } }) })).status).toBe(201);
    const searched = await exec(admin.tenantId, 'search', { q: 'a b&c', n: 3 });
    expect(searched.ok).toBe(true);
    const req = down.requests.at(-1)!;
    expect(req.url).toBe('/echo/search?q=a%20b%26c&n=3');
    expect(JSON.parse(req.body)).toEqual({ query: 'a b&c', limit: 3, note: 'q=a b&c' });
    expect(req.headers['idempotency-key']).toBeDefined();
  });

  it('refuses SSRF: loopback, the metadata address, DNS to private, redirects to private or to other hosts', async () => {
    const create = async (name: string, http: Record<string, unknown>) => {
      const res = await p.call('/v1/tools', { key: admin.key, body: httpTool(name, http) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    // Private network not allowed by the tool: the operator's allowance for the downstream does not apply.
    await create('no_private', { url: `${base()}/echo/x`, allow_private_network: false });
    // Allowed by the tool, but the operator never allowed this server.
    await create('internal_direct', { url: `http://127.0.0.1:${internal.port}/internal` });
    await create('metadata', { url: 'http://169.254.169.254/latest/meta-data/' });
    await create('dns_private', { url: `http://internal.example.com:${internal.port}/internal` });
    await create('dns_metadata', { url: 'http://meta.example.com/latest/' });
    await create('redirect_metadata', { url: `${base()}/to-metadata`, allowed_hosts: [`127.0.0.1:${down.port}`, '169.254.169.254'] });
    await create('redirect_private', { url: `${base()}/to-private`, allowed_hosts: [`127.0.0.1:${down.port}`, `127.0.0.1:${internal.port}`] });
    await create('redirect_elsewhere', { url: `${base()}/to-elsewhere` });
    const before = internal.requests.length;
    for (const name of ['no_private', 'internal_direct', 'metadata', 'dns_private', 'dns_metadata', 'redirect_metadata', 'redirect_private', 'redirect_elsewhere']) {
      const result = await exec(admin.tenantId, name, {});
      expect(result, name).toMatchObject({ ok: false, error: { code: 'tool_refused' } });
    }
    expect(internal.requests.length).toBe(before);
  });

  it('returns the recorded result to a retry with the same idempotency key, without calling again', async () => {
    expect((await p.call('/v1/tools', { key: admin.key, body: httpTool('order', { url: `${base()}/orders`, method: 'POST' }) })).status).toBe(201);
    const before = down.requests.length;
    const first = await exec(admin.tenantId, 'order', { q: 'pizza' }, 'run-9:call-1');
    const again = await exec(admin.tenantId, 'order', { q: 'pizza' }, 'run-9:call-1');
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(down.requests.length).toBe(before + 1);
    expect(down.requests.at(-1)!.headers['idempotency-key']).toBe('run-9:call-1');
    // Another tenant with the same key is another call.
    expect((await p.call('/v1/tools', { key: other.key, body: httpTool('order', { url: `${base()}/orders`, method: 'POST' }) })).status).toBe(201);
    expect(await exec(other.tenantId, 'order', {}, 'run-9:call-1')).toMatchObject({ ok: true, replayed: false });
    expect(down.requests.length).toBe(before + 2);
  });

  it('classifies outcomes: 4xx and too large are permanent, 5xx and time-outs are retryable failures', async () => {
    const create = async (name: string, http: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      expect((await p.call('/v1/tools', { key: admin.key, body: httpTool(name, http, extra) })).status).toBe(201);
    await create('teapot', { url: `${base()}/teapot` });
    await create('down', { url: `${base()}/down` });
    await create('slow', { url: `${base()}/slow` }, { timeout_ms: 300 });
    await create('big', { url: `${base()}/big`, max_response_bytes: 1000 });
    expect(await exec(admin.tenantId, 'teapot', {})).toMatchObject({ ok: false, error: { code: 'http_418' } });
    expect(await exec(admin.tenantId, 'big', {})).toMatchObject({ ok: false, error: { code: 'response_too_large' } });
    const started = Date.now();
    const slow = await exec(admin.tenantId, 'slow', {}, 'slow-1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(slow).toBeInstanceOf(ApplicationFailure);
    expect(slow).toMatchObject({ type: 'tool_timeout', nonRetryable: false });
    const downed = await exec(admin.tenantId, 'down', {}, 'down-1').catch((e: unknown) => e);
    expect(downed).toMatchObject({ type: 'tool_upstream_error', nonRetryable: false });
    // A retryable failure leaves no record: the next attempt calls again.
    const before = down.requests.length;
    await exec(admin.tenantId, 'down', {}, 'down-1').catch(() => undefined);
    expect(down.requests.length).toBe(before + 1);
  });

  it('runs render_prompt and refuses the tools the agent workflow runs', async () => {
    const template = await p.call('/v1/prompts', { key: admin.key, body: { name: 'greet', text: 'Hello {{ who }}!', variables: { type: 'object', properties: { who: { type: 'string' } }, required: ['who'] } } });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    expect(await exec(admin.tenantId, 'render_prompt', { template: 'greet', variables: { who: 'Ada' } })).toMatchObject({ ok: true, content: 'Hello Ada!' });
    expect(await exec(admin.tenantId, 'render_prompt', { template: 'missing' })).toMatchObject({ ok: false });
    expect(await exec(admin.tenantId, 'start_agent', { agent: 'a', input: 'b' })).toMatchObject({ ok: false, error: { code: 'executed_by_workflow' } });
    expect(await exec(admin.tenantId, 'rag_answer', { question: 'q' })).toMatchObject({ ok: false, error: { code: 'executed_by_workflow' } });
    expect(await exec(admin.tenantId, 'memory_search', { query: 'anything', k: 2 })).toMatchObject({ ok: true, content: '[]' });
  });
});

describe('the CLI', () => {
  const CLI = fileURLToPath(new URL('../cli/bin/somaagent.mjs', import.meta.url));
  const cli = (args: string[], input = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const home = mkdtempSync(join(tmpdir(), 'soma-tools-cli-'));
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SOMAAGENT_')) env[k] = v;
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...env, HOME: home, SOMAAGENT_CONFIG: join(home, 'config.json'), SOMAAGENT_API_KEY: admin.key, SOMAAGENT_BASE_URL: p.apiUrl, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });

  it('tools create|list|show|delete and secrets set|list|delete, the value read from stdin and never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soma-tool-spec-'));
    const file = join(dir, 'weather.json');
    writeFileSync(file, JSON.stringify(httpTool('weather', { url: `${base()}/echo/weather/{id}`, auth: { type: 'bearer', secret: 'weather.key' } })));
    const created = await cli(['tools', 'create', file, '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'weather', version: 1 });
    const listed = await cli(['tools', 'list']);
    expect(listed.stdout).toMatch(/weather\s+1\s+http/);
    const shown = await cli(['tools', 'show', 'weather@1']);
    expect(shown.stdout).toContain('bearer from secret "weather.key"');
    expect((await cli(['tools', 'show', 'nope'])).code).toBe(4);

    const value = 'cli-secret-value-9f8e7d';
    const set = await cli(['secrets', 'set', 'weather.key', '--stdin'], `${value}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(value);
    const noValue = await cli(['secrets', 'set', 'weather.key']);
    expect(noValue.code).toBe(2);
    const secrets = await cli(['secrets', 'list', '--json']);
    expect(JSON.parse(secrets.stdout).data.map((s: { name: string }) => s.name)).toContain('weather.key');
    expect(secrets.stdout).not.toContain(value);
    // The value arrived without its trailing newline: the tool sends exactly it.
    expect(await exec(admin.tenantId, 'weather', { id: 'x' })).toMatchObject({ ok: true });
    expect(down.requests.at(-1)!.headers.authorization).toBe(`Bearer ${value}`);

    expect((await cli(['secrets', 'delete', 'weather.key'])).code).toBe(0);
    expect((await cli(['tools', 'delete', 'weather'])).code).toBe(0);
    expect((await p.call('/v1/tools/weather', { key: admin.key })).status).toBe(404);
  });
});

describe('capsules ship tools', () => {
  const capsule = (version: string, tools: unknown[]) => ({ name: `toolbox-${Date.now().toString(36)}`, version, model_policy: { model: 'gpt-4o-mini' }, tools });

  it('refuses a capsule that carries a credential or a schema Ajv cannot compile', async () => {
    const withHeader = capsule('1.0.0', [httpTool('leaky', { url: `${base()}/echo/x`, headers: { Authorization: 'Bearer sk-123' } })]);
    expect((await p.call('/v1/capsules', { key: admin.key, body: withHeader })).status).toBe(400);
    const withQuery = capsule('1.0.0', [httpTool('leaky', { url: `${base()}/echo/x?api_key=sk-123` })]);
    expect((await p.call('/v1/capsules', { key: admin.key, body: withQuery })).status).toBe(400);
    const badSchema = capsule('1.0.0', [httpTool('bad', { url: `${base()}/echo/x` }, { input_schema: { type: 'object', properties: { a: { type: 'wat' } } } })]);
    const refused = await p.call('/v1/capsules', { key: admin.key, body: badSchema });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_tool_schema');
  });

  it('installs its tools into the registry (admin keys only), once per content, with secrets by name', async () => {
    const manifest = capsule('1.0.0', [
      httpTool('box_lookup', { url: `${base()}/echo/box/{id}`, auth: { type: 'bearer', secret: 'box.token' } }),
      { name: 'box_search', kind: 'builtin', builtin: 'memory_search', requires_approval: true },
    ]);
    expect((await p.call('/v1/capsules', { key: admin.key, body: manifest })).status).toBe(201);
    expect((await p.call(`/v1/capsules/${manifest.name}/install`, { key: member.key, body: {} })).status).toBe(403);
    const installed = await p.call(`/v1/capsules/${manifest.name}/install`, { key: admin.key, body: {} });
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    expect(installed.body.tools).toEqual([
      { name: 'box_lookup', version: 1, created: true },
      { name: 'box_search', version: 1, created: true },
    ]);
    expect((await p.call(`/v1/capsules/${manifest.name}/install`, { key: admin.key, body: {} })).body.tools.map((t: { created: boolean }) => t.created)).toEqual([false, false]);
    const tool = await p.call('/v1/tools/box_lookup', { key: admin.key });
    expect(tool.body).toMatchObject({ source: `${manifest.name}@1.0.0`, http: { auth: { type: 'bearer', secret: 'box.token' } } });
    // The installing tenant provides the secret itself.
    expect(await exec(admin.tenantId, 'box_lookup', { id: '7' })).toMatchObject({ ok: false, error: { code: 'secret_missing' } });
    expect((await p.call('/v1/secrets/box.token', { key: admin.key, method: 'PUT', body: { value: 'box-secret-1' } })).status).toBe(201);
    expect(await exec(admin.tenantId, 'box_lookup', { id: '7' })).toMatchObject({ ok: true });
    expect(down.requests.at(-1)!.headers.authorization).toBe('Bearer box-secret-1');
    const [search] = await activities.resolveTools({ tenantId: admin.tenantId, names: ['box_search'] });
    expect(search).toMatchObject({ kind: 'builtin', builtin: 'memory_search', requiresApproval: true, executor: 'activity' });
  });
});

describe('secrets never reach Temporal', () => {
  /** Every payload of a workflow's history, decrypted with the platform's codec, as text. */
  async function historyText(workflowId: string): Promise<string> {
    const history = await p.client.workflow.getHandle(workflowId).fetchHistory();
    const payloads: Payload[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      if (node instanceof Uint8Array) return;
      const o = node as Record<string, unknown>;
      if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') return void payloads.push(o as Payload);
      for (const value of Object.values(o)) walk(value);
    };
    walk(history);
    let decoded = payloads;
    for (const codec of [...(dataConverterFromEnv(p.env).payloadCodecs ?? [])].reverse()) decoded = await codec.decode(decoded);
    return decoded.map((d) => Buffer.from(d.data ?? new Uint8Array()).toString('utf8')).join('\n');
  }

  it("an agent run's history (and its model turns') holds the tool call and its redacted result, never the secret", async () => {
    const value = `hist-secret-${Math.random().toString(36).slice(2)}`;
    expect((await p.call('/v1/secrets/vault.token', { key: admin.key, method: 'PUT', body: { value } })).status).toBe(201);
    const tool = httpTool('vault_lookup', { url: `${base()}/echo/vault?q={q}`, auth: { type: 'bearer', secret: 'vault.token' } }, { input_schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } });
    expect((await p.call('/v1/tools', { key: admin.key, body: tool })).status).toBe(201);
    const agent = await p.call('/v1/agents', { key: admin.key, body: { name: 'vault-reader', model: 'gpt-4o-mini', instructions: 'Use the vault.', tools: ['vault_lookup'] } });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    const run = await p.call('/v1/agents/vault-reader/runs', { key: admin.key, body: { input: 'Please vault_lookup q=gold', wait: true } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.status).toBe('completed');
    expect(down.requests.at(-1)!.headers.authorization).toBe(`Bearer ${value}`);

    const texts = [await historyText(run.body.id)];
    for (const step of run.body.steps as Array<{ completion_run_id?: string }>) if (step.completion_run_id) texts.push(await historyText(step.completion_run_id));
    const all = texts.join('\n');
    // The scan reads plaintext: the call and the (redacted) echo are there.
    expect(all).toContain('vault_lookup');
    expect(all).toContain('Bearer [redacted]');
    expect(all).not.toContain(value);
  });
});
