import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue, createModelRegistryStore } from '../stores/model-registry.ts';
import { createModelRegistryCache } from '../stores/model-registry-cache.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => p?.close());

const localModel = {
  provider: 'local',
  provider_model: 'qwen2.5:0.5b',
  context_window: 32768,
  max_output_tokens: 4096,
  capabilities: { tools: false, vision: false, json_mode: true, streaming: true },
  pricing: { input_per_mtok: 0, output_per_mtok: 0 },
  tier: 1,
  quality: 0.4,
  typical_latency_ms: 400,
};

describe('model registry', () => {
  it('is seeded from the versioned catalogue and listed to any tenant', async () => {
    const t = await p.newTenant();
    const res = await p.call('/v1/models', { key: t.key });
    expect(res.status).toBe(200);
    const catalogue = await readCatalogue();
    const ids = res.body.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(catalogue.models.map((m) => m.id)));
    const one = await p.call('/v1/models/gpt-4o-mini', { key: t.key });
    expect(one.body).toMatchObject({ id: 'gpt-4o-mini', provider: 'openai', pricing: { input_per_mtok: 0.15, output_per_mtok: 0.6 }, source: 'catalogue' });
    expect((await p.call(`/v1/models/${encodeURIComponent('local/llama3.2')}`, { key: t.key })).body.provider).toBe('local');
  });

  it('lets an admin register a local model; a reseed leaves it alone', async () => {
    const id = `local/test-${Date.now()}`;
    const put = await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, { key: p.adminKey, method: 'PUT', body: localModel });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, source: 'admin', enabled: true });
    const store = createModelRegistryStore(p.pool);
    const catalogue = await readCatalogue();
    await store.seed({ ...catalogue, version: catalogue.version + 1, models: [...catalogue.models, { ...catalogue.models[0]!, id }] });
    const after = await p.call(`/v1/models/${encodeURIComponent(id)}`, { key: p.adminKey });
    expect(after.body.provider_model).toBe('qwen2.5:0.5b');
    // Put the catalogue back to the shipped version for the other suites.
    await p.pool.query("UPDATE models SET catalogue_version = $1 WHERE source = 'catalogue'", [catalogue.version]);
  });

  it('disables a model and shows the change to another process within the check interval', async () => {
    const id = `local/gone-${Date.now()}`;
    await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, { key: p.adminKey, method: 'PUT', body: localModel });
    const otherProcess = createModelRegistryCache(createModelRegistryStore(p.pool), 100);
    expect((await otherProcess.get(id))?.enabled).toBe(true);
    const del = await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, { key: p.adminKey, method: 'DELETE' });
    expect(del.body.enabled).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect((await otherProcess.get(id))?.enabled).toBe(false);
    const listed = await p.call('/v1/models', { key: p.adminKey });
    expect(listed.body.data.map((m: { id: string }) => m.id)).not.toContain(id);
  });

  it('refuses bad input and non-admins', async () => {
    const t = await p.newTenant();
    expect((await p.call('/v1/admin/models/x', { key: t.key, method: 'PUT', body: localModel })).status).toBe(403);
    const bad = await p.call('/v1/admin/models/x', { key: p.adminKey, method: 'PUT', body: { ...localModel, tier: 9, pricing: { input_per_mtok: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['tier', 'pricing.input_per_mtok']));
    expect((await p.call('/v1/models/no-such-model', { key: t.key })).body.error.code).toBe('model_not_found');
    expect((await p.call('/v1/admin/models/nope', { key: p.adminKey, method: 'DELETE' })).status).toBe(404);
    expect((await p.call(`/v1/models/${encodeURIComponent('bad id!')}`, { key: t.key })).body.error.code).toBe('invalid_model_id');
  });
});
