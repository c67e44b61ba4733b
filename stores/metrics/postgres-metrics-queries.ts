import type { Pool } from '../../platform/db/pool.ts';
import { costReportFromRows, modelStatsFromRow, type MetricsQueries, type ResultRow } from './metrics-queries.ts';

const MODEL_STATS = `
  SELECT provider, model,
    count(*) AS attempts,
    count(*) FILTER (WHERE status = 'error') AS errors,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'ok') AS latency_p50,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'ok') AS latency_p95,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) FILTER (WHERE status = 'ok') AS ttft_p50,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    sum(cost_usd) AS total_cost_usd
  FROM model_attempt_metrics
  WHERE ts >= $1 AND ts < $2
    AND ($3::text IS NULL OR tenant_id = $3)
    AND ($4::text IS NULL OR model = $4)
    AND ($5::boolean IS NULL OR simulated = $5)
  GROUP BY provider, model
  ORDER BY attempts DESC, provider, model`;

const TENANT_COST = `
  SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, provider, model,
    count(*) AS attempts,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    sum(cost_usd) AS total_cost_usd
  FROM model_attempt_metrics
  WHERE tenant_id = $1 AND ts >= $2 AND ts < $3
    AND ($4::boolean IS NULL OR simulated = $4)
  GROUP BY day, provider, model
  ORDER BY day, total_cost_usd DESC, provider, model`;

export function createPostgresMetricsQueries(pool: Pool): MetricsQueries {
  return {
    async modelStats(q) {
      const { rows } = await pool.query<ResultRow>(MODEL_STATS, [q.from, q.to, q.tenantId ?? null, q.model ?? null, q.simulated ?? null]);
      return rows.map(modelStatsFromRow);
    },

    async tenantCostReport(q) {
      const { rows } = await pool.query<ResultRow>(TENANT_COST, [q.tenantId, q.from, q.to, q.simulated ?? null]);
      return costReportFromRows(q, rows);
    },

    async close() {
      // The pool belongs to the caller.
    },
  };
}
