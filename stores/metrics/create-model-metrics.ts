import type { Registry } from 'prom-client';
import type { Env } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { clickHouseTarget, createClickHouseClient, type ClickHouseClient } from '../../platform/clickhouse/clickhouse-client.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { createBufferedMetricsSink } from './buffered-metrics-sink.ts';
import { createClickHouseMetricsQueries } from './clickhouse-metrics-queries.ts';
import { createClickHouseMetricsWriter } from './clickhouse-metrics-writer.ts';
import type { MetricsQueries } from './metrics-queries.ts';
import type { MetricsSink, MetricsWriter } from './metrics-sink.ts';
import { createPostgresMetricsQueries } from './postgres-metrics-queries.ts';
import { createPostgresMetricsWriter } from './postgres-metrics-writer.ts';

export type MetricsEnv = Pick<
  Env,
  | 'CLICKHOUSE_URL'
  | 'CLICKHOUSE_DATABASE'
  | 'METRICS_BATCH_ROWS'
  | 'METRICS_FLUSH_INTERVAL_MS'
  | 'METRICS_BUFFER_ROWS'
  | 'METRICS_RETRY_MAX_DELAY_MS'
  | 'METRICS_WRITE_TIMEOUT_MS'
>;

export interface MetricsSinkDeps {
  env: MetricsEnv;
  /** The application's Postgres pool; used when CLICKHOUSE_URL is unset. */
  pool: Pool;
  /** Where the sink's own counters go (the process's /metrics registry). */
  registry: Registry;
  logger?: Logger;
}

/**
 * The model-metrics sink the configuration asks for: ClickHouse when CLICKHOUSE_URL is set,
 * Postgres (table model_attempt_metrics, migration 005) otherwise. Its ClickHouse client, if
 * any, is its own and is closed by close().
 */
export function createMetricsSink(deps: MetricsSinkDeps): MetricsSink {
  const { env } = deps;
  const target = clickHouseTarget(env);
  let client: ClickHouseClient | undefined;
  let writer: MetricsWriter;
  if (target) {
    client = createClickHouseClient(target, { requestTimeoutMs: env.METRICS_WRITE_TIMEOUT_MS });
    writer = createClickHouseMetricsWriter(client);
  } else {
    writer = createPostgresMetricsWriter(deps.pool, { writeTimeoutMs: env.METRICS_WRITE_TIMEOUT_MS });
  }
  const sink = createBufferedMetricsSink(writer, {
    batchRows: env.METRICS_BATCH_ROWS,
    flushIntervalMs: env.METRICS_FLUSH_INTERVAL_MS,
    bufferRows: env.METRICS_BUFFER_ROWS,
    retryMaxDelayMs: env.METRICS_RETRY_MAX_DELAY_MS,
    writeTimeoutMs: env.METRICS_WRITE_TIMEOUT_MS,
    registry: deps.registry,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  return {
    ...sink,
    async close() {
      await sink.close();
      await client?.close();
    },
  };
}

/** The read side over the same backend as createMetricsSink would pick. */
export function createMetricsQueries(deps: { env: Pick<Env, 'CLICKHOUSE_URL' | 'CLICKHOUSE_DATABASE'>; pool: Pool }): MetricsQueries {
  const target = clickHouseTarget(deps.env);
  if (!target) return createPostgresMetricsQueries(deps.pool);
  return createClickHouseMetricsQueries(createClickHouseClient(target), { ownsClient: true });
}
