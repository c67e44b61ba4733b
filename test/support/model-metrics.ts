import type { Registry } from 'prom-client';
import { inject } from 'vitest';
import { newId } from '../../platform/ids.ts';
import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';
import { clickHouseString, createClickHouseClient, type ClickHouseClient, type ClickHouseTarget } from '../../platform/clickhouse/clickhouse-client.ts';
import { migrateClickHouse } from '../../platform/clickhouse/clickhouse-migrate.ts';
import { createClickHouseMetricsQueries } from '../../stores/metrics/clickhouse-metrics-queries.ts';
import { createClickHouseMetricsWriter } from '../../stores/metrics/clickhouse-metrics-writer.ts';
import type { MetricsQueries } from '../../stores/metrics/metrics-queries.ts';
import type { MetricsWriter } from '../../stores/metrics/metrics-sink.ts';
import { createPostgresMetricsQueries } from '../../stores/metrics/postgres-metrics-queries.ts';
import { createPostgresMetricsWriter } from '../../stores/metrics/postgres-metrics-writer.ts';
import { createPool, type Pool } from '../../platform/db/pool.ts';

/** A database of its own in the shared test ClickHouse, migrated. */
export async function freshClickHouseDatabase(url: string): Promise<ClickHouseTarget> {
  const target = { url, database: newId('soma_test', 8) };
  await migrateClickHouse(target);
  return target;
}

/** A successful attempt with round numbers; override what the test is about. */
export function attempt(overrides: Partial<ModelAttemptMetric> = {}): ModelAttemptMetric {
  return {
    ts: Date.now(),
    tenantId: 'ten_test',
    runId: newId('run'),
    attempt: 1,
    fallbackDepth: 0,
    requestedModel: 'auto',
    model: 'gpt-4o-mini',
    provider: 'openai',
    status: 'ok',
    errorClass: null,
    latencyMs: 100,
    ttftMs: null,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    simulated: true,
    ...overrides,
  };
}

/** The value of one series of a counter or gauge, 0 when it has none yet. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value ?? 0;
}

export async function clickHouseCount(client: ClickHouseClient, where: string, options: { final?: boolean } = {}): Promise<number> {
  const from = `model_attempt_metrics${options.final ? ' FINAL' : ''}`;
  const rows = await (await client.query({ query: `SELECT count() AS n FROM ${from} WHERE ${where}`, format: 'JSONEachRow' }))
    .json<{ n: string }>();
  return Number(rows[0]!.n);
}

export async function postgresCount(pool: Pool, tenantId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM model_attempt_metrics WHERE tenant_id = $1', [tenantId]);
  return Number(rows[0]!.n);
}

/** One metrics store of the shared test engines, with its writer, its queries and row counts. */
export interface MetricsStoreUnderTest {
  writer: MetricsWriter;
  queries: MetricsQueries;
  count(tenantId: string): Promise<number>;
  /** The count once duplicates are collapsed (ClickHouse does it when parts merge; FINAL does it now). */
  countDistinct(tenantId: string): Promise<number>;
  close(): Promise<void>;
}

export type MetricsStoreName = 'postgres' | 'clickhouse';

/** The shared Postgres (migrated by the global setup), or a fresh database in the shared ClickHouse. */
export async function openMetricsStore(name: MetricsStoreName): Promise<MetricsStoreUnderTest> {
  if (name === 'postgres') {
    const pool = createPool(inject('databaseUrl'), 2);
    return {
      writer: createPostgresMetricsWriter(pool, { writeTimeoutMs: 5000 }),
      queries: createPostgresMetricsQueries(pool),
      count: (tenantId) => postgresCount(pool, tenantId),
      countDistinct: (tenantId) => postgresCount(pool, tenantId),
      close: () => pool.end(),
    };
  }
  const client = createClickHouseClient(await freshClickHouseDatabase(inject('clickhouseUrl')));
  const where = (tenantId: string) => `tenant_id = ${clickHouseString(tenantId)}`;
  return {
    writer: createClickHouseMetricsWriter(client),
    queries: createClickHouseMetricsQueries(client),
    count: (tenantId) => clickHouseCount(client, where(tenantId)),
    countDistinct: (tenantId) => clickHouseCount(client, where(tenantId), { final: true }),
    close: () => client.close(),
  };
}
