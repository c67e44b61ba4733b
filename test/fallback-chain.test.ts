import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };
const suffix = Date.now().toString(36);
const [A, B, SMALL, LARGE] = ['a', 'b', 'small', 'large'].map((n) => `local/chain-${n}-${suffix}`) as [string, string, string, string];

function localModel(contextWindow: number, input = 1, output = 2) {
  return {
    provider: 'local',
    provider_model: 'emulated',
    context_window: contextWindow,
    max_output_tokens: 4096,
    capabilities: { tools: false, vision: false, json_mode: true, streaming: true },
    pricing: { input_per_mtok: input, output_per_mtok: output },
    tier: 1,
    quality: 0.5,
    typical_latency_ms: 100,
  };
}

beforeAll(async () => {
  // Local models point at this suite's emulator, so their breakers and faults are private to it.
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '3', BREAKER_FAILURE_THRESHOLD: '2' } });
  t = await p.newTenant();
  for (const [id, ctx] of [[A, 100_000], [B, 100_000], [SMALL, 8_000], [LARGE, 200_000]] as const) {
    const res = await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, { key: p.adminKey, method: 'PUT', body: { ...localModel(ctx), provider_model: id.slice('local/'.length) } });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

const ask = (extra: Record<string, unknown>) => ({ messages: [{ role: 'user', content: 'chain test' }], ...extra });
const providerModel = (id: string) => id.slice('local/'.length);

describe('fallback chains', () => {
  it('falls to the next model once the first exhausts its retries, and says so', async () => {
    p.emulator.injectFault({ status: 500, count: 10, model: providerModel(A) });
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ models: [A, B] }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: B, requested_model: A, fallback_depth: 1 });
    // Two failures open A's breaker (threshold 2), which stops its third attempt before any call.
    expect(res.body.attempt_history).toEqual([
      { model: A, provider: 'local', outcome: 'failed', error: 'circuit_open', attempts: 2 },
      { model: B, provider: 'local', outcome: 'answered', error: null, attempts: 1 },
    ]);
    expect(p.emulator.stats().byModel[providerModel(A)]).toBe(2);
    expect(res.body.cost_usd).toBeGreaterThan(0);
    const { rows } = await p.pool.query('SELECT model, fallback_depth, history FROM completions WHERE run_id = $1', [res.body.id]);
    expect(rows[0]).toMatchObject({ model: B, fallback_depth: 1 });
    expect(rows[0].history).toHaveLength(2);
  });

  it('skips a model whose shared breaker is open, without calling it', async () => {
    // The previous test opened A's breaker (threshold 2); within BREAKER_OPEN_MS it is skipped.
    const before = p.emulator.stats().byModel[providerModel(A)] ?? 0;
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ models: [A, B] }) });
    expect(res.status).toBe(200);
    expect(res.body.attempt_history[0]).toEqual({ model: A, provider: 'local', outcome: 'skipped', error: 'circuit_open', attempts: 0 });
    expect(p.emulator.stats().byModel[providerModel(A)] ?? 0).toBe(before);
    const { rows } = await p.pool.query('SELECT state FROM model_circuit_breakers WHERE model_id = $1', [A]);
    expect(rows[0].state).toBe('open');
    // Known open when the run started: passed over without even scheduling its activity.
    const events = (await p.call(`/v1/runs/${res.body.id}/events`, { key: t.key })).body.data as Array<{ type: string; summary?: string }>;
    expect(events.filter((e) => e.type === 'activity_task_scheduled').map((e) => e.summary)).toEqual([`callModel: ${B} (fallback 1)`]);
  });

  it('answers 503 circuit_open, not a 500, when the open breaker was the last candidate', async () => {
    // A's breaker is still open from the first test: a request allowing only A has nowhere to go.
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ model: A }) });
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.error).toMatchObject({ type: 'provider_error', code: 'circuit_open' });
  });

  it('tells a streaming client that an open breaker moved the run to the next model', async () => {
    const res = await fetch(`${p.apiUrl}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask({ models: [A, B], stream: true })),
    });
    const text = await res.text();
    expect(text).toMatch(new RegExp(`event: fallback\ndata: \\{"from":"${A}","to":"${B}".*"error":"circuit_open","discard_text":false\\}`));
    expect(text).toContain('event: completion');
  });

  it('does not burn the chain on a request error', async () => {
    p.emulator.injectFault({ status: 400, count: 5, model: providerModel(B) });
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ models: [B, LARGE] }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('provider_rejected');
    expect(p.emulator.stats().byModel[providerModel(LARGE)] ?? 0).toBe(0);
  });

  it('moves "context too long" only to a model with a larger context window', async () => {
    p.emulator.injectFault({ status: 'context_length', count: 1, model: providerModel(SMALL) });
    const up = await p.call('/v1/completions', { key: t.key, body: ask({ models: [SMALL, LARGE] }) });
    expect(up.status).toBe(200);
    expect(up.body.model).toBe(LARGE);
    expect(up.body.attempt_history[0]).toMatchObject({ outcome: 'failed', error: 'context_length' });

    p.emulator.injectFault({ status: 'context_length', count: 1, model: providerModel(LARGE) });
    const down = await p.call('/v1/completions', { key: t.key, body: ask({ models: [LARGE, SMALL] }) });
    expect(down.status).toBe(400);
    expect(down.body.error.code).toBe('context_length_exceeded');
  });

  it('records every attempt in the model metrics', async () => {
    p.emulator.injectFault({ status: 503, count: 1, model: providerModel(B) });
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ models: [B] }) });
    expect(res.status).toBe(200);
    await p.metrics.flush();
    const { rows } = await p.pool.query('SELECT attempt, status, error_class, fallback_depth FROM model_attempt_metrics WHERE run_id = $1 ORDER BY attempt', [res.body.id]);
    expect(rows).toEqual([
      { attempt: 1, status: 'error', error_class: 'overloaded', fallback_depth: 0 },
      { attempt: 2, status: 'ok', error_class: null, fallback_depth: 0 },
    ]);
  });
});

describe('auto routing', () => {
  it('sends a simple task to a cheap model and a hard one to a strong model, with reasons', async () => {
    const simple = await p.call('/v1/completions', { key: t.key, body: ask({ model: 'auto', messages: [{ role: 'user', content: 'Translate "good morning" into French.' }] }) });
    expect(simple.status).toBe(200);
    expect(simple.body.requested_model).toBe('auto');
    expect(simple.body.routing).toMatchObject({ policy: 'auto', tier: 1, chosen: { model: simple.body.model } });
    expect(simple.body.routing.reasons.join(' ')).toMatch(/cheapest/);

    const hard = await p.call('/v1/completions', {
      key: t.key,
      body: ask({ model: 'auto', messages: [{ role: 'user', content: 'Prove step by step that sqrt(2) is irrational, then derive a general theorem for sqrt(n) and justify each step.' }] }),
    });
    expect(hard.status).toBe(200);
    expect(hard.body.routing.tier).toBeGreaterThanOrEqual(3);
    expect(hard.body.routing.chosen.estimated_cost_usd).toBeGreaterThan(simple.body.routing.chosen.estimated_cost_usd);
  });

  it('refuses bad model choices with clear errors', async () => {
    const both = await p.call('/v1/completions', { key: t.key, body: ask({ model: A, models: [B] }) });
    expect(both.status).toBe(400);
    expect(both.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'model', code: 'exactly_one_of' })]));
    const neither = await p.call('/v1/completions', { key: t.key, body: ask({}) });
    expect(neither.body.error.code).toBe('model_required');
    const unknown = await p.call('/v1/completions', { key: t.key, body: ask({ models: [B, 'no-such-model'] }) });
    expect(unknown.body.error.code).toBe('model_not_found');
    const impossible = await p.call('/v1/completions', { key: t.key, body: ask({ model: 'auto', routing: { requires: ['vision'], latency_ceiling_ms: 1 } }) });
    expect([200, 400]).toContain(impossible.status);
  });
});

describe('usage reports', () => {
  it("serves the tenant's per-model stats and cost, and only the tenant's", async () => {
    await p.metrics.flush();
    const stats = await p.call('/v1/usage/models?window=1h', { key: t.key });
    expect(stats.status).toBe(200);
    const b = stats.body.data.find((s: { model: string }) => s.model === B);
    expect(b).toMatchObject({ provider: 'local' });
    expect(b.attempts).toBeGreaterThanOrEqual(3);
    expect(b.errors).toBeGreaterThanOrEqual(1);
    expect(b.latency_p50_ms).toBeGreaterThanOrEqual(0);
    expect(b.cost_usd).toBeGreaterThan(0);

    const cost = await p.call('/v1/usage/cost?window=1d', { key: t.key });
    expect(cost.status).toBe(200);
    expect(cost.body.tenant_id).toBe(t.tenantId);
    expect(cost.body.total_cost_usd).toBeCloseTo(cost.body.rows.reduce((sum: number, r: { cost_usd: number }) => sum + r.cost_usd, 0), 9);

    const other = await p.newTenant();
    expect((await p.call('/v1/usage/models?window=1h', { key: other.key })).body.data).toEqual([]);
    expect((await p.call(`/v1/usage/cost?tenant_id=${t.tenantId}`, { key: other.key })).status).toBe(403);
    expect((await p.call(`/v1/usage/cost?tenant_id=${t.tenantId}`, { key: p.adminKey })).body.tenant_id).toBe(t.tenantId);
  });

  it('refuses bad windows', async () => {
    expect((await p.call('/v1/usage/models?window=forever', { key: t.key })).body.error.code).toBe('validation_failed');
    expect((await p.call('/v1/usage/cost?window=200d', { key: t.key })).body.error.code).toBe('invalid_window');
    expect((await p.call('/v1/usage/cost?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', { key: t.key })).body.error.code).toBe('invalid_window');
  });
});
