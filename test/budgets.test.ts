import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore } from '../stores/api-keys.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
const suffix = Date.now().toString(36);
const PRICEY = `local/pricey-${suffix}`;

beforeAll(async () => {
  p = await startTestPlatform({ localModels: true });
  // $1,000 per million tokens: every token costs a tenth of a cent, so spend is easy to reason about.
  const res = await p.call(`/v1/admin/models/${encodeURIComponent(PRICEY)}`, {
    key: p.adminKey,
    method: 'PUT',
    body: {
      provider: 'local',
      provider_model: 'pricey',
      context_window: 100_000,
      max_output_tokens: 4096,
      capabilities: { tools: false, vision: false, json_mode: true, streaming: true },
      pricing: { input_per_mtok: 1000, output_per_mtok: 1000 },
      tier: 3,
      quality: 0.9,
      typical_latency_ms: 100,
    },
  });
  expect(res.status).toBe(200);
});
afterAll(async () => p?.close());

const ask = { model: PRICEY, max_tokens: 5, messages: [{ role: 'user', content: 'budget test' }] };

async function budget(tenantId: string, body: Record<string, unknown>) {
  const res = await p.call(`/v1/admin/tenants/${tenantId}/budgets`, { key: p.adminKey, method: 'PUT', body });
  expect(res.status).toBe(200);
  return res.body;
}

describe('budgets', () => {
  it('refuses with 402 once the daily tenant budget would be exceeded, and reports the spend', async () => {
    const t = await p.newTenant();
    await budget(t.tenantId, { period: 'day', limit_usd: 0.015, on_exceed: 'reject' });
    const first = await p.call('/v1/completions', { key: t.key, body: ask });
    expect(first.status).toBe(200);
    expect(first.body.cost_usd).toBeGreaterThan(0.002);

    const second = await p.call('/v1/completions', { key: t.key, body: ask });
    expect(second.status).toBe(402);
    expect(second.body.error).toMatchObject({ type: 'budget_error', code: 'budget_exceeded' });
    expect(second.body.error.details).toMatchObject({ period: 'day', limit_usd: 0.015 });
    expect(second.body.error.details.spent_usd).toBeCloseTo(first.body.cost_usd, 9);

    const listed = await p.call('/v1/budgets', { key: t.key });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0].spent_usd).toBeCloseTo(first.body.cost_usd, 9);
    expect(listed.body.data[0].remaining_usd).toBeCloseTo(0.015 - first.body.cost_usd, 9);
  });

  it('applies a key budget to that key only', async () => {
    const t = await p.newTenant();
    const other = await createApiKeyStore(p.pool).create({ tenantId: t.tenantId, name: 'second' });
    const keys = await p.call(`/v1/admin/tenants/${t.tenantId}/keys`, { key: p.adminKey });
    const firstKeyId = keys.body.data.find((k: { id: string }) => k.id !== other.id).id;
    await budget(t.tenantId, { period: 'month', limit_usd: 0, api_key_id: firstKeyId });
    expect((await p.call('/v1/completions', { key: t.key, body: ask })).status).toBe(402);
    expect((await p.call('/v1/completions', { key: other.secret, body: ask })).status).toBe(200);
  });

  it('downgrades to the cheapest model that fits when the budget says so', async () => {
    const t = await p.newTenant();
    await budget(t.tenantId, { period: 'day', limit_usd: 0.001, on_exceed: 'downgrade' });
    const res = await p.call('/v1/completions', { key: t.key, body: ask });
    expect(res.status).toBe(200);
    expect(res.body.budget_downgrade).toMatchObject({ from: PRICEY });
    expect(res.body.model).not.toBe(PRICEY);
    expect(res.body.cost_usd).toBeLessThanOrEqual(0.001);
  });

  it('validates budget input and keeps budgets private to the tenant', async () => {
    const t = await p.newTenant();
    const bad = await p.call(`/v1/admin/tenants/${t.tenantId}/budgets`, { key: p.adminKey, method: 'PUT', body: { period: 'week', limit_usd: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit_usd', 'period']);
    expect((await p.call(`/v1/admin/tenants/${t.tenantId}/budgets`, { key: p.adminKey, method: 'PUT', body: { period: 'day', limit_usd: 1, api_key_id: 'key_nope' } })).status).toBe(404);
    expect((await p.call(`/v1/admin/tenants/${t.tenantId}/budgets`, { key: t.key, method: 'PUT', body: { period: 'day', limit_usd: 1 } })).status).toBe(403);
    const saved = await budget(t.tenantId, { period: 'day', limit_usd: 5 });
    const stranger = await p.newTenant();
    expect((await p.call('/v1/budgets', { key: stranger.key })).body.data).toEqual([]);
    expect((await p.call(`/v1/admin/tenants/${stranger.tenantId}/budgets/${saved.id}`, { key: p.adminKey, method: 'DELETE' })).status).toBe(404);
    expect((await p.call(`/v1/admin/tenants/${t.tenantId}/budgets/${saved.id}`, { key: p.adminKey, method: 'DELETE' })).status).toBe(200);
  });
});
