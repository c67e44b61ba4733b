import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdempotencyKeyStore } from '../stores/idempotency-keys.ts';
import { hashApiKey } from '../stores/api-keys.ts';
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

/** A new key of an existing tenant, made by the platform's admin. */
async function newKey(tenantId: string, admin = false): Promise<string> {
  const res = await p.call(`/v1/admin/tenants/${tenantId}/keys`, { key: p.adminKey, body: { name: 'another', admin } });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

/** The tenant the platform's admin key belongs to. */
async function adminTenantId(): Promise<string> {
  const { rows } = await p.pool.query<{ tenant_id: string }>('SELECT tenant_id FROM api_keys WHERE key_hash = $1', [hashApiKey(p.adminKey)]);
  return rows[0]!.tenant_id;
}

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

  it('lets a retry that adds background: true join the run (202 with its id)', async () => {
    const key = `k-${suffix}-8`;
    const first = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('then in the background') });
    expect(first.status).toBe(200);
    const background = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('then in the background', { background: true }) });
    expect(background.status).toBe(202);
    expect(background.body).toMatchObject({ id: first.body.id, object: 'run' });
    // And back: a blocking retry of a background run gets its answer.
    const key2 = `k-${suffix}-9`;
    const started = await p.call('/v1/completions', { key: t.key, headers: keyed(key2), body: ask('background first', { background: true }) });
    expect(started.status).toBe(202);
    const blocking = await p.call('/v1/completions', { key: t.key, headers: keyed(key2), body: ask('background first') });
    expect(blocking.status).toBe(200);
    expect(blocking.body.id).toBe(started.body.id);
    expect(p.emulator.stats().total).toBe(2);
  });

  it('gives another key of the same tenant its own run for the same Idempotency-Key', async () => {
    const second = await newKey(t.tenantId);
    const key = `k-${suffix}-10`;
    const a = await p.call('/v1/completions', { key: t.key, headers: keyed(key), body: ask('per key') });
    const b = await p.call('/v1/completions', { key: second, headers: keyed(key), body: ask('per key') });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.id).not.toBe(a.body.id);
    expect(p.emulator.stats().total).toBe(2);
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

  it('tells a retry that arrives while the first request runs to come back', async () => {
    const key = `k-${suffix}-p3`;
    const path = `/v1/runs/completion-none-${suffix}/cancel`;
    // The request runs (404: no such run) and its answer is kept for the retry.
    const done = await p.call(path, { key: t.key, headers: keyed(key), body: {} });
    expect(done.status).toBe(404);
    await expect.poll(async () => (await p.call(path, { key: t.key, headers: keyed(key), body: {} })).headers.get('idempotent-replayed')).toBe('true');
    // Back to "the first request still holds the key": its claim is in place with no response yet.
    const held = await p.pool.query('UPDATE idempotency_keys SET status_code = NULL, response = NULL WHERE tenant_id = $1 AND key = $2', [t.tenantId, key]);
    expect(held.rowCount).toBe(1);
    const busy = await p.call(path, { key: t.key, headers: keyed(key), body: {} });
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
  });
});

describe('Idempotency-Key slots: one per API key and route, authorised first, nothing secret kept', () => {
  it('gives another key of the same tenant its own slot: no replay across keys', async () => {
    const second = await newKey(t.tenantId);
    const key = `k-${suffix}-s1`;
    const body = { name: `per-key-${suffix}`, text: 'Hello' };
    const first = await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body });
    expect(first.status).toBe(201);
    // The other key's request runs for itself: the template exists now, so 409, not the first key's 201.
    const other = await p.call('/v1/prompts', { key: second, headers: keyed(key), body });
    expect(other.status).toBe(409);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(other.body).toMatchObject({ error: { code: 'template_exists' } });
  });

  it('gives the same key on another route its own slot', async () => {
    const key = `k-${suffix}-s2`;
    expect((await p.call('/v1/prompts', { key: t.key, headers: keyed(key), body: { name: `route-${suffix}`, text: 'x' } })).status).toBe(201);
    const other = await p.call('/v1/conversations', { key: t.key, headers: keyed(key), body: { title: 'same key, other route' } });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it("refuses a non-admin key that repeats an admin's key creation (403, never the stored body)", async () => {
    const tenantId = await adminTenantId();
    const member = await newKey(tenantId);
    const key = `k-${suffix}-s3`;
    const path = `/v1/admin/tenants/${tenantId}/keys`;
    const created = await p.call(path, { key: p.adminKey, headers: keyed(key), body: { name: 'ops', admin: true } });
    expect(created.status).toBe(201);
    const replay = await p.call(path, { key: member, headers: keyed(key), body: { name: 'ops', admin: true } });
    expect(replay.status).toBe(403);
    expect(replay.body).toMatchObject({ error: { type: 'permission_error', code: 'admin_required' } });
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(replay.body)).not.toContain(created.body.key);
    expect(JSON.stringify(replay.body)).not.toContain(created.body.id);
  });

  it('replays a key creation with the secret redacted, and stores no plaintext key', async () => {
    const key = `k-${suffix}-s4`;
    const path = `/v1/admin/tenants/${t.tenantId}/keys`;
    const created = await p.call(path, { key: p.adminKey, headers: keyed(key), body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sk_soma_/);
    expect(created.headers.get('soma-secret-redacted')).toBeNull();
    const replay = await p.call(path, { key: p.adminKey, headers: keyed(key), body: { name: 'ci' } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('soma-secret-redacted')).toBe('key');
    expect(replay.body).toEqual({ ...created.body, key: null });
    // One key was created, not two; the first response's key works.
    const listed = await p.call(path, { key: p.adminKey });
    expect(listed.body.data.filter((k: { name: string }) => k.name === 'ci')).toHaveLength(1);
    expect((await p.call('/v1/runs', { key: created.body.key })).status).toBe(200);
    const { rows } = await p.pool.query<{ response: string; redacted: string[] }>('SELECT response::text AS response, redacted FROM idempotency_keys WHERE key = $1', [key]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.response).not.toContain(created.body.key);
    expect(rows[0]!.response).not.toMatch(/sk_soma_[A-Za-z0-9_-]{5,}/);
    expect(rows[0]!.redacted).toEqual(['key']);
  });

  it('gives another key of the same tenant its own ingestion run for the same Idempotency-Key', async () => {
    const second = await newKey(t.tenantId);
    const key = `k-${suffix}-11`;
    const body = { collection: `idem-${suffix}`, documents: [{ source: 'a.md', text: '# A\n\nSome text.' }] };
    const a = await p.call('/v1/memory/documents', { key: t.key, headers: keyed(key), body });
    const b = await p.call('/v1/memory/documents', { key: second, headers: keyed(key), body });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).not.toBe(a.body.id);
    await Promise.all([a.body.id, b.body.id].map((id: string) => p.client.workflow.getHandle(id).terminate('test done').catch(() => undefined)));
  });
});

describe('Idempotency-Key slots remember the grants they were filled under', () => {
  it('forgets a slot when the same API key comes back with other grants', async () => {
    const store = createIdempotencyKeyStore(p.pool);
    const { rows } = await p.pool.query<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = $1', [hashApiKey(t.key)]);
    const scope = { tenantId: t.tenantId, apiKeyId: rows[0]!.id, method: 'POST', route: '/v1/anything', key: `k-${suffix}-g1` };
    expect(await store.claim(scope, 'hash', 'grants-as-approver', 60_000)).toEqual({ state: 'claimed' });
    await store.complete(scope, 200, { approved: true }, []);
    expect(await store.claim(scope, 'hash', 'grants-as-approver', 60_000)).toEqual({ state: 'done', statusCode: 200, response: { approved: true }, redacted: [] });
    // Demoted since: no replay; the request runs again, through whatever guards its route has.
    expect(await store.claim(scope, 'hash', 'grants-as-member', 60_000)).toEqual({ state: 'claimed' });
  });
});
