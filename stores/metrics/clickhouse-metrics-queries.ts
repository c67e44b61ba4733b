import { clickHouseString, type ClickHouseClient } from '../../platform/clickhouse/clickhouse-client.ts';
import { CLICKHOUSE_METRICS_TABLE } from './clickhouse-metrics-writer.ts';
import { costReportFromRows, modelStatsFromRow, type MetricsQueries, type ResultRow } from './metrics-queries.ts';

/**
 * ts >= from AND ts < to, at ClickHouse's one-second resolution. Values are inlined (18.16 has
 * no query parameters): numbers are integers made here, strings go through clickHouseString.
 */
function timeWindow(from: Date, to: Date): string {
  const start = Math.floor(from.getTime() / 1000);
  const end = Math.ceil(to.getTime() / 1000);
  return `ts >= toDateTime(${start}, 'UTC') AND ts < toDateTime(${end}, 'UTC')`;
}

function filters(q: { tenantId?: string | undefined; model?: string | undefined; simulated?: boolean | undefined }): string {
  let sql = '';
  if (q.tenantId !== undefined) sql += ` AND tenant_id = ${clickHouseString(q.tenantId)}`;
  if (q.model !== undefined) sql += ` AND model = ${clickHouseString(q.model)}`;
  if (q.simulated !== undefined) sql += ` AND simulated = ${q.simulated ? 1 : 0}`;
  return sql;
}

async function select(client: ClickHouseClient, query: string): Promise<ResultRow[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<ResultRow>();
}

export function createClickHouseMetricsQueries(client: ClickHouseClient, options: { ownsClient?: boolean } = {}): MetricsQueries {
  return {
    async modelStats(q) {
      // quantile is exact up to 8192 values per group and a reservoir-sampled estimate beyond.
      // Its result has the argument's type, so integers are made Float64 to keep the
      // interpolation (UInt32 would truncate 880 to 879). Quantiles of no values are null.
      const rows = await select(client, `
        SELECT provider, model,
          count() AS attempts,
          countIf(status = 'error') AS errors,
          quantilesIf(0.5, 0.95)(toFloat64(latency_ms), status = 'ok') AS latency,
          latency[1] AS latency_p50,
          latency[2] AS latency_p95,
          quantileIf(0.5)(toFloat64(ttft_ms), status = 'ok') AS ttft_p50,
          sum(input_tokens) AS total_input_tokens,
          sum(output_tokens) AS total_output_tokens,
          sum(cost_usd) AS total_cost_usd
        FROM ${CLICKHOUSE_METRICS_TABLE}
        WHERE ${timeWindow(q.from, q.to)}${filters(q)}
        GROUP BY provider, model
        ORDER BY attempts DESC, provider, model`);
      return rows.map(modelStatsFromRow);
    },

    async tenantCostReport(q) {
      const rows = await select(client, `
        SELECT toString(toDate(ts, 'UTC')) AS day, provider, model,
          count() AS attempts,
          sum(input_tokens) AS total_input_tokens,
          sum(output_tokens) AS total_output_tokens,
          sum(cost_usd) AS total_cost_usd
        FROM ${CLICKHOUSE_METRICS_TABLE}
        WHERE ${timeWindow(q.from, q.to)}${filters({ tenantId: q.tenantId, simulated: q.simulated })}
        GROUP BY day, provider, model
        ORDER BY day, total_cost_usd DESC, provider, model`);
      return costReportFromRows(q, rows);
    },

    async close() {
      if (options.ownsClient) await client.close();
    },
  };
}
