import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { newId } from '../platform/ids.ts';
import type { ModelAttemptMetric } from '../core/metrics/model-attempt-metric.ts';
import { clickHouseString, createClickHouseClient, type ClickHouseTarget } from '../platform/clickhouse/clickhouse-client.ts';
import { createBufferedMetricsSink, type BufferedMetricsSinkOptions } from '../stores/metrics/buffered-metrics-sink.ts';
import { createClickHouseMetricsWriter } from '../stores/metrics/clickhouse-metrics-writer.ts';
import type { MetricsWriter } from '../stores/metrics/metrics-sink.ts';
import { createPostgresMetricsWriter } from '../stores/metrics/postgres-metrics-writer.ts';
import { createPool } from '../platform/db/pool.ts';
import { removeClickHouseServer, startClickHouseServer } from './support/clickhouse-server.ts';
import { freePort } from './support/free-port.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import {
  attempt, clickHouseCount, freshClickHouseDatabase, metricValue, openMetricsStore, postgresCount, type MetricsStoreUnderTest,
} from './support/model-metrics.ts';

function options(overrides: Partial<BufferedMetricsSinkOptions> = {}): BufferedMetricsSinkOptions {
  return {
    batchRows: 100,
    flushIntervalMs: 50,
    bufferRows: 10_000,
    retryBaseDelayMs: 20,
    retryMaxDelayMs: 200,
    writeTimeoutMs: 5000,
    closeTimeoutMs: 2000,
    registry: new Registry(),
    ...overrides,
  };
}

/** The real writer, with the size of every batch it stored noted down. */
function noting(writer: MetricsWriter): MetricsWriter & { batches: number[] } {
  const batches: number[] = [];
  return {
    backend: writer.backend,
    batches,
    async write(batch) {
      await writer.write(batch);
      batches.push(batch.length);
    },
  };
}

/** A ClickHouse writer aimed at a port where nothing listens: every write fails at once. */
async function deadClickHouseWriter(): Promise<{ writer: MetricsWriter; close(): Promise<void> }> {
  const client = createClickHouseClient({ url: `http://127.0.0.1:${await freePort()}`, database: 'default' });
  return { writer: createClickHouseMetricsWriter(client), close: () => client.close() };
}

describe('metrics sink: record on the request path', () => {
  it('returns at once and never throws, whatever it is given, even with the backend down', async () => {
    const dead = await deadClickHouseWriter();
    const registry = new Registry();
    const sink = createBufferedMetricsSink(dead.writer, options({ registry, bufferRows: 100_000, closeTimeoutMs: 50 }));
    const weird: unknown[] = [
      null, undefined, 42, 'metric', [], {}, { tenantId: 't' },
      { ...attempt(), status: 'maybe' },
      Object.defineProperty({}, 'tenantId', { get() { throw new Error('boom'); }, enumerable: true }),
      (() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })(),
    ];
    for (const input of weird) expect(sink.record(input as ModelAttemptMetric)).toBe(false);
    expect(await metricValue(registry, 'somaagent_model_metrics_dropped_total', { reason: 'invalid' })).toBe(weird.length);
    // Out-of-range numbers are clamped rather than refused: one bad row must not poison a batch.
    expect(sink.record({ ...attempt(), latencyMs: Number.NaN, inputTokens: -5, costUsd: Number.POSITIVE_INFINITY, attempt: 1e12 })).toBe(true);

    const metrics = Array.from({ length: 20_000 }, () => attempt());
    const durations: number[] = [];
    for (const m of metrics) {
      const t0 = performance.now();
      sink.record(m);
      durations.push(performance.now() - t0);
    }
    durations.sort((a, b) => a - b);
    // A call is microseconds; p99 leaves room for a GC pause or a busy machine, not for I/O.
    expect(durations[Math.floor(durations.length * 0.99)]).toBeLessThan(1);
    expect(durations.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
    expect(sink.buffered()).toBe(20_001);
    await sink.close();
    await dead.close();
  });

  it('drops the newest metrics when the buffer is full, counts them, and counts what close could not write', async () => {
    const dead = await deadClickHouseWriter();
    const registry = new Registry();
    const sink = createBufferedMetricsSink(dead.writer, options({ registry, bufferRows: 10, closeTimeoutMs: 300 }));
    const results = Array.from({ length: 15 }, () => sink.record(attempt()));
    expect(results).toEqual([...Array(10).fill(true), ...Array(5).fill(false)]);
    expect(sink.buffered()).toBe(10);
    expect(await metricValue(registry, 'somaagent_model_metrics_accepted_total')).toBe(10);
    expect(await metricValue(registry, 'somaagent_model_metrics_dropped_total', { reason: 'buffer_full' })).toBe(5);
    expect(await metricValue(registry, 'somaagent_model_metrics_buffered')).toBe(10);
    await expect(sink.flush()).rejects.toThrow();

    const closing = performance.now();
    await sink.close();
    expect(performance.now() - closing).toBeLessThan(3000);
    expect(await metricValue(registry, 'somaagent_model_metrics_dropped_total', { reason: 'shutdown' })).toBe(10);
    expect(await metricValue(registry, 'somaagent_model_metrics_write_failures_total')).toBeGreaterThanOrEqual(2);
    expect(sink.record(attempt())).toBe(false);
    expect(await metricValue(registry, 'somaagent_model_metrics_dropped_total', { reason: 'closed' })).toBe(1);
    await dead.close();
  });
});

describe.each(['postgres', 'clickhouse'] as const)('metrics sink writing to %s', (name) => {
  let backend: MetricsStoreUnderTest;
  beforeAll(async () => {
    backend = await openMetricsStore(name);
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('writes full batches at once and a partial one after the flush interval', async () => {
    const tenantId = newId('ten');
    const writer = noting(backend.writer);
    const registry = new Registry();
    const sink = createBufferedMetricsSink(writer, options({ registry, batchRows: 100, flushIntervalMs: 100 }));
    for (let i = 0; i < 250; i += 1) sink.record(attempt({ tenantId, latencyMs: i }));
    await vi.waitFor(async () => expect(await metricValue(registry, 'somaagent_model_metrics_written_total')).toBe(250), { timeout: 5000 });
    expect(writer.batches).toEqual([100, 100, 50]);
    expect(await backend.count(tenantId)).toBe(250);

    // Fewer than a batch: no flush() call, the interval writes them.
    for (let i = 0; i < 5; i += 1) sink.record(attempt({ tenantId }));
    // The counter moves once the write has returned; rows can be visible a moment before that.
    await vi.waitFor(async () => expect(await metricValue(registry, 'somaagent_model_metrics_written_total')).toBe(255), { timeout: 5000 });
    expect(writer.batches.at(-1)).toBe(5);
    expect(await backend.count(tenantId)).toBe(255);
    await sink.close();
  });

  it('close() writes what is buffered, text cleaned; a batch sent twice stores each attempt once', async () => {
    const tenantId = newId('ten');
    const sink = createBufferedMetricsSink(backend.writer, options({ flushIntervalMs: 60_000 }));
    const metrics = Array.from({ length: 30 }, (_, i) => attempt({ tenantId, attempt: i + 1 }));
    for (const m of metrics) sink.record(m);
    // Postgres text cannot hold NUL: the sink strips it rather than fail the batch.
    sink.record(attempt({ tenantId, attempt: 99, status: 'error', errorClass: 'bad\u0000byte' }));
    expect(await backend.count(tenantId)).toBe(0);
    await sink.close();
    expect(await backend.count(tenantId)).toBe(31);

    // What a retry after a timed-out-but-landed write does.
    await backend.writer.write(metrics);
    expect(await backend.countDistinct(tenantId)).toBe(31);
  });
});

describe('metrics sink through backend outages', () => {
  it('ClickHouse killed and restarted: every accepted metric is written once it is back', async () => {
    const server = await startClickHouseServer();
    let running = server;
    const target: ClickHouseTarget = await freshClickHouseDatabase(server.url);
    const client = createClickHouseClient(target, { requestTimeoutMs: 2000 });
    const registry = new Registry();
    const sink = createBufferedMetricsSink(
      createClickHouseMetricsWriter(client),
      options({ registry, batchRows: 50, bufferRows: 300, writeTimeoutMs: 2000 }),
    );
    const tenantId = newId('ten');
    try {
      for (let i = 0; i < 100; i += 1) sink.record(attempt({ tenantId }));
      await sink.flush();

      await server.kill();
      const during = Array.from({ length: 400 }, (_, i) => attempt({ tenantId, runId: `outage-${i}` }));
      const started = performance.now();
      const accepted = during.map((m) => sink.record(m));
      expect(performance.now() - started).toBeLessThan(500);
      // The buffer holds 300: the first 300 are accepted, the newest 100 are refused.
      expect(accepted.filter(Boolean)).toHaveLength(300);
      expect(accepted.slice(300).some(Boolean)).toBe(false);
      await vi.waitFor(async () => expect(await metricValue(registry, 'somaagent_model_metrics_write_failures_total')).toBeGreaterThanOrEqual(2), { timeout: 5000 });
      await expect(sink.flush()).rejects.toThrow();
      expect(sink.buffered()).toBe(300);

      running = await startClickHouseServer({ dir: server.dir, port: server.port });
      await vi.waitFor(() => expect(sink.buffered()).toBe(0), { timeout: 10_000 });
      expect(await clickHouseCount(client, `tenant_id = ${clickHouseString(tenantId)}`)).toBe(400);
      expect(await clickHouseCount(client, `run_id IN ('outage-0', 'outage-299')`)).toBe(2);
      expect(await clickHouseCount(client, `run_id IN ('outage-300', 'outage-399')`)).toBe(0);
      expect(await metricValue(registry, 'somaagent_model_metrics_written_total')).toBe(400);
      expect(await metricValue(registry, 'somaagent_model_metrics_dropped_total', { reason: 'buffer_full' })).toBe(100);
    } finally {
      await sink.close();
      await client.close();
      await removeClickHouseServer(running);
    }
  });

  it('Postgres unreachable, then back: what was accepted meanwhile is written', async () => {
    // A forwarder to the shared Postgres stands in for the network: cut, then restored.
    const proxy = await startTcpProxy(Number(new URL(inject('databaseUrl')).port));
    const url = new URL(inject('databaseUrl'));
    url.port = String(proxy.port);
    const pool = createPool(url.toString(), 2);
    const registry = new Registry();
    const sink = createBufferedMetricsSink(createPostgresMetricsWriter(pool, { writeTimeoutMs: 2000 }), options({ registry }));
    const tenantId = newId('ten');
    try {
      for (let i = 0; i < 50; i += 1) sink.record(attempt({ tenantId }));
      await sink.flush();
      await proxy.cut();
      for (let i = 0; i < 120; i += 1) expect(sink.record(attempt({ tenantId }))).toBe(true);
      await vi.waitFor(async () => expect(await metricValue(registry, 'somaagent_model_metrics_write_failures_total')).toBeGreaterThanOrEqual(2), { timeout: 5000 });
      await expect(sink.flush()).rejects.toThrow();
      expect(sink.buffered()).toBe(120);

      await proxy.restore();
      await vi.waitFor(() => expect(sink.buffered()).toBe(0), { timeout: 10_000 });
      expect(await postgresCount(pool, tenantId)).toBe(170);
      expect(await metricValue(registry, 'somaagent_model_metrics_written_total')).toBe(170);
    } finally {
      await sink.close();
      await pool.end();
      await proxy.close();
    }
  });
});
