import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };
const suffix = Date.now().toString(36);

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant();
});
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const keyed = (key: string) => ({ 'idempotency-key': key });

describe('Idempotency-Key on completions', () => {
  it('answers a retried request from the run the first one started', async () => {
    const key = `k-${suffix}-1`;
    const first = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('only once') });
    const again = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('only once') });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.text).toBe(first.body.text);
    expect(p.emulator.stats().total).toBe(1);
    const { rows } = await p.pool.query('SELECT count(*)::int AS n FROM completions WHERE run_id = $1', [first.body.id]);
    expect(rows[0].n).toBe(1);
  });

  it('joins a run that is still going instead of starting a second one', async () => {
    p.emulator.configure({ latencyMs: 800 });
    const key = `k-${suffix}-2`;
    const [a, b] = await Promise.all([
      p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('concurrent') }),
      new Promise((r) => setTimeout(r, 200)).then(() => p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('concurrent') })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.id).toBe(a.body.id);
    expect(p.emulator.stats().total).toBe(1);
  });

  it('gives a background retry the same run id', async () => {
    const key = `k-${suffix}-3`;
    const a = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('bg', { background: true }) });
    const b = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('bg', { background: true }) });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).toBe(a.body.id);
  });

  it('refuses the same key on a different request', async () => {
    const key = `k-${suffix}-4`;
    expect((await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('one thing') })).status).toBe(200);
    const other = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('another thing') });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
  });

  it('runs a request again when its first run failed', async () => {
    const key = `k-${suffix}-5`;
    p.emulator.injectFault({ status: 'content_policy', count: 1 });
    const failed = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('second chance') });
    expect(failed.status).toBe(400);
    const retried = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('second chance') });
    expect(retried.status).toBe(200);
    expect(p.emulator.stats().total).toBe(2);
  });

  it('keeps tenants apart: the same key from two tenants is two requests', async () => {
    const other = await p.newTenant('other');
    const key = `k-${suffix}-6`;
    const a = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('mine') });
    const b = await p.call('/v1/completions', { key: other.key, headers: keyed(key), body: ask('mine') });
    expect(b.body.id).not.toBe(a.body.id);
    expect(p.emulator.stats().total).toBe(2);
  });

  it('joins a streamed run too: the retry gets the run and its result', async () => {
    const key = `k-${suffix}-7`;
    const stream = async () => {
      const res = await fetch(`${p.apiUrl}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json', ...keyed(key) },
        body: JSON.stringify(ask('stream once', { stream: true })),
      });
      const text = await res.text();
      return { id: /"id":"([^"]+)"/.exec(text)?.[1], done: text.includes('event: completion') };
    };
    const a = await stream();
    const b = await stream();
    expect(a.done && b.done).toBe(true);
    expect(b.id).toBe(a.id);
    expect(p.emulator.stats().total).toBe(1);
  });

  it('refuses a malformed key', async () => {
    const res = await p.call('/v1/completions', { key: t.key, headers: keyed('has spaces in it'), body: ask('x') });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_idempotency_key' } });
  });
});

describe('Idempotency-Key on other POSTs', () => {
  it('replays the stored response instead of doing the work twice', async () => {
    const key = `k-${suffix}-p1`;
    const body = { name: `idem-${suffix}`, text: 'Hello there' };
    const first = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body });
    expect(first.status).toBe(201);
    const again = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body });
    // Without the key this would be 409 template_exists.
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const without = await p.call('/v1/prompts', { key: t.key, body });
    expect(without.status).toBe(409);
  });

  it('refuses a key reused for another request, and keeps a stored 4xx', async () => {
    const key = `k-${suffix}-p2`;
    const bad = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body: { name: 'bad name!', text: 'x' } });
    expect(bad.status).toBe(400);
    const replay = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body: { name: 'bad name!', text: 'x' } });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body: { name: `ok-${suffix}`, text: 'x' } });
    expect(other.status).toBe(422);
  });

  it('tells a retry that arrives while the first request runs to come back, and forgets failures', async () => {
    const key = `k-${suffix}-p3`;
    const path = `/v1/runs/completion-none-${suffix}/cancel`;
    // The first request still holds the key: its claim is in place with no response yet.
    const hash = createHash('sha256').update(`POST ${path}\n{}`).digest('hex');
    await p.pool.query('INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1, $2, $3)', [t.tenantId, key, hash]);
    const busy = await p.call(path, { key: t.key, headers: keyed(key), body: {} });
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
    await p.pool.query('DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2', [t.tenantId, key]);
    // Now the request runs (404: no such run) and its answer is kept for the retry.
    const done = await p.call(path, { key: t.key, headers: keyed(key), body: {} });
    expect(done.status).toBe(404);
    await expect.poll(async () => (await p.call(path, { key: t.key, headers: keyed(key), body: {} })).headers.get('idempotent-replayed')).toBe('true');
  });
});
