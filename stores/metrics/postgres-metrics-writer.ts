import type { QueryConfig } from 'pg';
import type { Pool } from '../../platform/db/pool.ts';
import type { MetricsWriter } from './metrics-sink.ts';

/**
 * One INSERT per batch whatever its size: the columns travel as 16 arrays and `unnest` turns
 * them back into rows. The attempt's primary key makes a batch sent twice (its first write
 * timed out on our side but landed) insert nothing the second time.
 */
const INSERT = `INSERT INTO model_attempt_metrics (ts, tenant_id, run_id, attempt, fallback_depth, requested_model,
    model, provider, status, error_class, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, simulated)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[],
    $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::int[], $14::int[],
    $15::float8[], $16::boolean[])
  ON CONFLICT (run_id, fallback_depth, attempt) DO NOTHING`;

export function createPostgresMetricsWriter(pool: Pool, options: { writeTimeoutMs: number }): MetricsWriter {
  return {
    backend: 'postgres',
    async write(batch) {
      const query: QueryConfig & { query_timeout: number } = {
        text: INSERT,
        values: [
          batch.map((m) => new Date(m.ts).toISOString()),
          batch.map((m) => m.tenantId),
          batch.map((m) => m.runId),
          batch.map((m) => m.attempt),
          batch.map((m) => m.fallbackDepth),
          batch.map((m) => m.requestedModel),
          batch.map((m) => m.model),
          batch.map((m) => m.provider),
          batch.map((m) => m.status),
          batch.map((m) => m.errorClass),
          batch.map((m) => m.latencyMs),
          batch.map((m) => m.ttftMs),
          batch.map((m) => m.inputTokens),
          batch.map((m) => m.outputTokens),
          batch.map((m) => m.costUsd),
          batch.map((m) => m.simulated),
        ],
        // A stalled Postgres fails the write (and it is retried) instead of holding it forever.
        query_timeout: options.writeTimeoutMs,
      };
      await pool.query(query);
    },
  };
}
