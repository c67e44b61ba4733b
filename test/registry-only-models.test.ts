import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('registry-only');
});
afterAll(async () => p?.close());

const messages = [{ role: 'user', content: 'Which model answers this?' }];

/** Vendor-looking ids the catalogue does not list: once accepted, answered and costed at $0. */
const UNLISTED = ['gpt-9-ultra', 'claude-sonnet-4-5'];

function expectModelNotFound(res: { status: number; body: any }, id: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found' });
  expect(res.body.error.message).toContain(id);
  expect(res.body.error.details.model).toBe(id);
  expect(res.body.error.details.suggestions.length).toBeGreaterThan(0);
  expect(res.body.error.details.suggestions.length).toBeLessThanOrEqual(3);
  for (const s of res.body.error.details.suggestions) expect(res.body.error.message).toContain(`"${s}"`);
}

describe('registry-only models', () => {
  it('refuses a vendor-looking id outside the registry with suggestions, before any call', async () => {
    const before = p.emulator.stats().total;
    for (const id of UNLISTED) {
      expect((await p.call(`/v1/models/${id}`, { key: t.key })).status).toBe(404);
      expectModelNotFound(await p.call('/v1/completions', { key: t.key, body: { model: id, messages } }), id);
      expectModelNotFound(await p.call('/v1/completions', { key: t.key, body: { models: ['gpt-4o-mini', id], messages } }), id);
      expectModelNotFound(await p.call('/v1/rag', { key: t.key, body: { question: 'What is the leave policy?', model: id } }), id);
      expectModelNotFound(await p.call(`/v1/policies/unlisted-${id}`, { key: t.key, method: 'PUT', body: { model: id } }), id);
    }
    expect(p.emulator.stats().total).toBe(before);
    // An experiment variant names the model its subjects are sent to: the same rule.
    const template = `registry-only-${Date.now()}`;
    expect((await p.call('/v1/prompts', { key: t.key, body: { name: template, text: 'Answer plainly.' } })).status).toBe(201);
    expect((await p.call(`/v1/prompts/${template}/versions`, { key: t.key, body: { text: 'Answer briefly.' } })).status).toBe(201);
    const experiment = await p.call('/v1/experiments', {
      key: t.key,
      body: { name: 'x', template, metric: 'score', variants: [{ name: 'control', version: 1 }, { name: 'next', version: 2, model: 'gpt-9-ultra' }] },
    });
    expectModelNotFound(experiment, 'gpt-9-ultra');
    // The nearest registry ids come first: the same family, one version away.
    const sonnet = await p.call('/v1/completions', { key: t.key, body: { model: 'claude-sonnet-4-5', messages } });
    expect(sonnet.body.error.details.suggestions[0]).toBe('claude-sonnet-4-6');
    const gpt = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mni', messages } });
    expect(gpt.body.error.details.suggestions[0]).toBe('gpt-4o-mini');
  });

  it('answers a registered priced model and costs it at the registry price', async () => {
    const res = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', messages } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cost_usd).toBeGreaterThan(0);
    const rows = await p.pool.query<{ run_id: string }>(
      `SELECT c.run_id FROM completions c JOIN models m ON m.id = c.model
       WHERE c.tenant_id = $1 AND c.cost_usd = 0
         AND ((m.spec->'pricing'->>'inputPerMTok')::float8 > 0 OR (m.spec->'pricing'->>'outputPerMTok')::float8 > 0)`,
      [t.tenantId],
    );
    expect(rows.rows).toEqual([]);
    const unregistered = await p.pool.query('SELECT run_id FROM completions c WHERE c.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM models m WHERE m.id = c.model)', [t.tenantId]);
    expect(unregistered.rows).toEqual([]);
  });

  it('calls a new vendor model once an admin registers it with a price', async () => {
    const id = `gpt-9-ultra-${randomBytes(4).toString('hex')}`;
    expectModelNotFound(await p.call('/v1/completions', { key: t.key, body: { model: id, messages } }), id);
    const put = await p.call(`/v1/admin/models/${id}`, {
      key: p.adminKey,
      method: 'PUT',
      body: {
        provider: 'openai',
        provider_model: id,
        context_window: 128_000,
        max_output_tokens: 16_384,
        capabilities: { tools: true, vision: false, json_mode: true, streaming: true },
        pricing: { input_per_mtok: 20, output_per_mtok: 80 },
        tier: 4,
        quality: 0.5,
        typical_latency_ms: 1000,
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // The API's registry cache notices the new version within its check interval.
    let res = await p.call('/v1/completions', { key: t.key, body: { model: id, messages } });
    for (let i = 0; i < 50 && res.status === 400; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await p.call('/v1/completions', { key: t.key, body: { model: id, messages } });
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { input_tokens: input, output_tokens: output } = res.body.usage;
    expect(res.body.cost_usd).toBeCloseTo((input * 20 + output * 80) / 1_000_000, 12);
    // Kept out of the other suites' auto routing.
    await p.call(`/v1/admin/models/${id}`, { key: p.adminKey, method: 'DELETE' });
  });
});
