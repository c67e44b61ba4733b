import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let a: { tenantId: string; key: string };
let b: { tenantId: string; key: string };
let runOfA: string;

beforeAll(async () => {
  p = await startTestPlatform();
  a = await p.newTenant('tenant a');
  b = await p.newTenant('tenant b');
  p.emulator.configure({ latencyMs: 3000 });
  const started = await p.call('/v1/completions', {
    key: a.key,
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'private to a' }], background: true },
  });
  expect(started.status).toBe(202);
  runOfA = started.body.id;
});
afterAll(async () => p?.close());

function expectError(res: { status: number; body: any; headers: Headers }, status: number, type: string, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toMatchObject({ type, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.request_id).toBe(res.headers.get('x-request-id'));
}

describe('authentication', () => {
  it('rejects a request without a key', async () => {
    const res = await p.call('/v1/runs');
    expectError(res, 401, 'authentication_error', 'missing_api_key');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rejects an unknown key and a malformed header', async () => {
    expectError(await p.call('/v1/runs', { key: 'sk_soma_not_a_real_key' }), 401, 'authentication_error', 'invalid_api_key');
    const res = await p.call('/v1/runs', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expectError(res, 401, 'authentication_error', 'missing_api_key');
  });

  it('keeps only a hash of the key at rest', async () => {
    const { rows } = await p.pool.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toContain('sk_soma_');
    }
  });

  it('lets only admin keys reach the admin API', async () => {
    expectError(await p.call('/v1/admin/tenants', { key: a.key, body: { name: 'x' } }), 403, 'permission_error', 'admin_required');
  });

  it('creates a tenant and a key (shown once), then revokes it', async () => {
    const tenant = await p.call('/v1/admin/tenants', { key: p.adminKey, body: { name: 'Globex' } });
    expect(tenant.status).toBe(201);
    expect(tenant.body).toMatchObject({ object: 'tenant', name: 'Globex' });

    const created = await p.call(`/v1/admin/tenants/${tenant.body.id}/keys`, { key: p.adminKey, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sk_soma_[A-Za-z0-9_-]{32}$/);
    expect(created.body.display_prefix).toBe(created.body.key.slice(0, 12));

    const listed = await p.call(`/v1/admin/tenants/${tenant.body.id}/keys`, { key: p.adminKey });
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    expect((await p.call('/v1/runs', { key: created.body.key })).status).toBe(200);
    const revoked = await p.call(`/v1/admin/keys/${created.body.id}`, { key: p.adminKey, method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toBeTruthy();
    expectError(await p.call('/v1/runs', { key: created.body.key }), 401, 'authentication_error', 'invalid_api_key');
  });

  it('answers 404 for keys and tenants that do not exist', async () => {
    expectError(await p.call('/v1/admin/keys/key_nope', { key: p.adminKey, method: 'DELETE' }), 404, 'not_found_error', 'api_key_not_found');
    expectError(await p.call('/v1/admin/tenants/ten_nope/keys', { key: p.adminKey, body: {} }), 404, 'not_found_error', 'tenant_not_found');
  });
});

describe('tenancy', () => {
  it('lets the owner see, query and list its run', async () => {
    expect((await p.call(`/v1/runs/${runOfA}`, { key: a.key })).body.status).toBe('running');
    expect((await p.call(`/v1/runs/${runOfA}/query/status`, { key: a.key, body: {} })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    let ids: string[] = [];
    // Visibility is eventually consistent: the list may lag a moment behind the start.
    while (Date.now() < deadline && !ids.includes(runOfA)) {
      ids = (await p.call('/v1/runs', { key: a.key })).body.data.map((r: { id: string }) => r.id);
      if (!ids.includes(runOfA)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toContain(runOfA);
  });

  it("never shows, queries, signals or cancels another tenant's run", async () => {
    expectError(await p.call(`/v1/runs/${runOfA}`, { key: b.key }), 404, 'not_found_error', 'run_not_found');
    expectError(await p.call(`/v1/runs/${runOfA}/query/status`, { key: b.key, body: {} }), 404, 'not_found_error', 'run_not_found');
    expectError(await p.call(`/v1/runs/${runOfA}/signal/anything`, { key: b.key, body: {} }), 404, 'not_found_error', 'run_not_found');
    expectError(await p.call(`/v1/runs/${runOfA}/cancel`, { key: b.key, method: 'POST' }), 404, 'not_found_error', 'run_not_found');
    const listed = await p.call('/v1/runs', { key: b.key });
    expect(listed.body.data.map((r: { id: string }) => r.id)).not.toContain(runOfA);
    // The run is untouched by the attempts.
    expect((await p.call(`/v1/runs/${runOfA}`, { key: a.key })).body.status).toBe('running');
  });

  it('lets the owner signal and cancel, and says 409 once the run is over', async () => {
    const signal = await p.call(`/v1/runs/${runOfA}/signal/note`, { key: a.key, body: { args: ['hello'] } });
    expect(signal.status).toBe(202);
    const cancel = await p.call(`/v1/runs/${runOfA}/cancel`, { key: a.key, method: 'POST' });
    expect(cancel.status).toBe(202);
    const handle = p.client.workflow.getHandle(runOfA);
    await expect(handle.result()).rejects.toThrow();
    const after = await p.call(`/v1/runs/${runOfA}`, { key: a.key });
    expect(after.body.status).toBe('cancelled');
    expectError(await p.call(`/v1/runs/${runOfA}/cancel`, { key: a.key, method: 'POST' }), 409, 'conflict_error', 'run_not_running');
    const { rows } = await p.pool.query('SELECT status, error_kind FROM completions WHERE run_id = $1', [runOfA]);
    expect(rows).toEqual([{ status: 'failed', error_kind: 'cancelled' }]);
  });

  it('treats malformed run ids as unknown runs', async () => {
    expectError(await p.call('/v1/runs/..%2F..%2Fetc', { key: a.key }), 404, 'not_found_error', 'run_not_found');
    expectError(await p.call(`/v1/runs/completion-${a.tenantId}-doesnotexist`, { key: a.key }), 404, 'not_found_error', 'run_not_found');
  });
});
