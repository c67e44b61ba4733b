import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../platform/ids.ts';
import type { ModelAttemptMetric } from '../core/metrics/model-attempt-metric.ts';
import { createBufferedMetricsSink } from '../stores/metrics/buffered-metrics-sink.ts';
import { attempt, openMetricsStore, type MetricsStoreUnderTest } from './support/model-metrics.ts';

// Two UTC days of attempts, with hand-computed answers. The same data and the same expectations
// run on both backends. The test ClickHouse runs in Asia/Tokyo, so a row at 23:30 UTC lands on
// the next day there: reports must still put it on its UTC day.
const at = (iso: string) => Date.parse(iso);
const FROM = new Date('2024-03-09T00:00:00Z');
const TO = new Date('2024-03-11T00:00:00Z');
// A quote and a backslash: ClickHouse 18.16 has no query parameters, so this tests the escaping.
const tenantA = `${newId('ten')}'\\a`;
const tenantB = newId('ten');

function dataset(): ModelAttemptMetric[] {
  const mini = (ts: string, over: Partial<ModelAttemptMetric>) =>
    attempt({ tenantId: tenantA, ts: at(ts), model: 'gpt-4o-mini', provider: 'openai', inputTokens: 100, outputTokens: 50, costUsd: 0.002, ...over });
  const failed = { status: 'error' as const, errorClass: 'rate_limited', inputTokens: 0, outputTokens: 0, costUsd: 0 };
  return [
    // gpt-4o-mini, tenant A: 5 ok (latency 100..1000), 2 rate limited.
    mini('2024-03-09T00:00:00Z', { latencyMs: 100, ttftMs: 50 }), // exactly `from`: inside
    mini('2024-03-09T23:30:00Z', { latencyMs: 200, ttftMs: 70 }), // 2024-03-10 in Tokyo
    mini('2024-03-10T01:00:00Z', { latencyMs: 300, ttftMs: null }),
    mini('2024-03-10T02:00:00Z', { latencyMs: 400, ttftMs: 90 }),
    mini('2024-03-10T03:00:00Z', { latencyMs: 1000, ttftMs: 110 }),
    mini('2024-03-10T04:00:00Z', { ...failed, latencyMs: 5, fallbackDepth: 0 }),
    mini('2024-03-10T04:00:01Z', { ...failed, latencyMs: 7, attempt: 2 }),
    // claude-3-5-haiku, tenant A: 2 ok, no streaming.
    attempt({ tenantId: tenantA, ts: at('2024-03-10T05:00:00Z'), model: 'claude-3-5-haiku', provider: 'anthropic', latencyMs: 150, inputTokens: 40, outputTokens: 60, costUsd: 0.004 }),
    attempt({ tenantId: tenantA, ts: at('2024-03-10T06:00:00Z'), model: 'claude-3-5-haiku', provider: 'anthropic', latencyMs: 250, inputTokens: 40, outputTokens: 60, costUsd: 0.004 }),
    // claude-3-opus, tenant A: failed only.
    attempt({ tenantId: tenantA, ts: at('2024-03-10T07:00:00Z'), model: 'claude-3-opus', provider: 'anthropic', ...failed, errorClass: 'server_error', latencyMs: 30 }),
    // Tenant B, real (not simulated) traffic on gpt-4o-mini.
    attempt({ tenantId: tenantB, ts: at('2024-03-10T08:00:00Z'), model: 'gpt-4o-mini', provider: 'openai', latencyMs: 10_000, inputTokens: 1000, outputTokens: 2000, costUsd: 0.5, simulated: false }),
    // Outside the window: exactly `to`, and a day later.
    mini('2024-03-11T00:00:00Z', { latencyMs: 99_999 }),
    mini('2024-03-12T00:00:00Z', { latencyMs: 99_999 }),
  ];
}

describe.each(['postgres', 'clickhouse'] as const)('model metrics queries on %s', (name) => {
  let backend: MetricsStoreUnderTest;

  beforeAll(async () => {
    backend = await openMetricsStore(name);
    const sink = createBufferedMetricsSink(backend.writer, {
      batchRows: 5, flushIntervalMs: 10_000, bufferRows: 100, retryMaxDelayMs: 1000, writeTimeoutMs: 10_000, registry: new Registry(),
    });
    for (const metric of dataset()) expect(sink.record(metric)).toBe(true);
    await sink.flush();
    await sink.close();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('per-model stats for one tenant: counts, error rate, latency and ttft percentiles, tokens, cost', async () => {
    const stats = await backend.queries.modelStats({ from: FROM, to: TO, tenantId: tenantA });
    expect(stats.map((s) => s.model)).toEqual(['gpt-4o-mini', 'claude-3-5-haiku', 'claude-3-opus']);
    const [mini, haiku, opus] = stats;
    expect(mini).toMatchObject({ provider: 'openai', attempts: 7, errors: 2, inputTokens: 500, outputTokens: 250 });
    expect(mini!.errorRate).toBeCloseTo(2 / 7, 12);
    // Successful latencies 100, 200, 300, 400, 1000: p50 = 300; p95 = 400 + 0.8 * 600.
    expect(mini!.latencyP50Ms).toBeCloseTo(300, 9);
    expect(mini!.latencyP95Ms).toBeCloseTo(880, 9);
    // Streamed successes 50, 70, 90, 110 (one did not stream): p50 = 80.
    expect(mini!.ttftP50Ms).toBeCloseTo(80, 9);
    expect(mini!.costUsd).toBeCloseTo(0.01, 12);

    expect(haiku).toMatchObject({ provider: 'anthropic', attempts: 2, errors: 0, errorRate: 0, ttftP50Ms: null, inputTokens: 80, outputTokens: 120 });
    expect(haiku!.latencyP50Ms).toBeCloseTo(200, 9);
    expect(haiku!.latencyP95Ms).toBeCloseTo(245, 9);
    expect(haiku!.costUsd).toBeCloseTo(0.008, 12);

    expect(opus).toMatchObject({ attempts: 1, errors: 1, errorRate: 1, latencyP50Ms: null, latencyP95Ms: null, ttftP50Ms: null, costUsd: 0 });
  });

  it('across tenants, and filtered by model and by simulated', async () => {
    const all = await backend.queries.modelStats({ from: FROM, to: TO });
    const mini = all.find((s) => s.model === 'gpt-4o-mini')!;
    expect(mini.attempts).toBe(8);
    // 100, 200, 300, 400, 1000, 10000: p50 = 350; p95 = 1000 + 0.75 * 9000.
    expect(mini.latencyP50Ms).toBeCloseTo(350, 9);
    expect(mini.latencyP95Ms).toBeCloseTo(7750, 9);

    const real = await backend.queries.modelStats({ from: FROM, to: TO, simulated: false });
    expect(real).toHaveLength(1);
    expect(real[0]).toMatchObject({ model: 'gpt-4o-mini', attempts: 1, latencyP50Ms: 10_000, costUsd: 0.5 });

    const haiku = await backend.queries.modelStats({ from: FROM, to: TO, model: 'claude-3-5-haiku' });
    expect(haiku.map((s) => s.model)).toEqual(['claude-3-5-haiku']);

    expect(await backend.queries.modelStats({ from: FROM, to: TO, tenantId: 'ten_nobody' })).toEqual([]);
  });

  it('per-tenant cost report by UTC day and model, other tenants left out', async () => {
    const report = await backend.queries.tenantCostReport({ tenantId: tenantA, from: FROM, to: TO });
    expect(report.tenantId).toBe(tenantA);
    const rows = report.rows.map((r) => ({ ...r, costUsd: Math.round(r.costUsd * 1e9) / 1e9 }));
    expect(rows).toEqual([
      { day: '2024-03-09', provider: 'openai', model: 'gpt-4o-mini', attempts: 2, inputTokens: 200, outputTokens: 100, costUsd: 0.004 },
      { day: '2024-03-10', provider: 'anthropic', model: 'claude-3-5-haiku', attempts: 2, inputTokens: 80, outputTokens: 120, costUsd: 0.008 },
      { day: '2024-03-10', provider: 'openai', model: 'gpt-4o-mini', attempts: 5, inputTokens: 300, outputTokens: 150, costUsd: 0.006 },
      { day: '2024-03-10', provider: 'anthropic', model: 'claude-3-opus', attempts: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ]);
    expect(report.totalCostUsd).toBeCloseTo(0.018, 12);

    const b = await backend.queries.tenantCostReport({ tenantId: tenantB, from: FROM, to: TO });
    expect(b.rows).toHaveLength(1);
    expect(b.totalCostUsd).toBeCloseTo(0.5, 12);
    expect((await backend.queries.tenantCostReport({ tenantId: tenantB, from: FROM, to: TO, simulated: true })).rows).toEqual([]);
  });
});
