import type { ClickHouseClient } from '../../platform/clickhouse/clickhouse-client.ts';
import type { MetricsWriter } from './metrics-sink.ts';

export const CLICKHOUSE_METRICS_TABLE = 'model_attempt_metrics';

/**
 * One INSERT ... FORMAT JSONEachRow per batch. Times go as Unix seconds, which ClickHouse reads
 * the same whatever its server time zone; booleans as 0/1 for the UInt8 column.
 */
export function createClickHouseMetricsWriter(client: ClickHouseClient): MetricsWriter {
  return {
    backend: 'clickhouse',
    async write(batch) {
      await client.insert({
        table: CLICKHOUSE_METRICS_TABLE,
        format: 'JSONEachRow',
        values: batch.map((m) => ({
          ts: Math.floor(m.ts / 1000),
          tenant_id: m.tenantId,
          run_id: m.runId,
          attempt: m.attempt,
          fallback_depth: m.fallbackDepth,
          requested_model: m.requestedModel,
          model: m.model,
          provider: m.provider,
          status: m.status,
          error_class: m.errorClass,
          latency_ms: m.latencyMs,
          ttft_ms: m.ttftMs,
          input_tokens: m.inputTokens,
          output_tokens: m.outputTokens,
          cost_usd: m.costUsd,
          simulated: m.simulated ? 1 : 0,
        })),
      });
    },
  };
}
