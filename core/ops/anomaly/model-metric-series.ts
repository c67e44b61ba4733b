// Series from the model metrics store (Postgres or ClickHouse, stores/metrics): per model, over
// every tenant, p95 latency, error rate and cost per bucket; and the same per tenant and model.
// Built from the store's own modelStats query, one query per bucket, so both backends work
// unchanged (a lookback of a few hundred buckets is a few hundred indexed range queries).
import type { MetricsQueries, ModelStats } from '../../../stores/metrics/metrics-queries.ts';
import type { MetricSeries } from './anomaly-types.ts';
import { seriesKey } from './anomaly-scan.ts';

const VIEWS: { metric: string; value: (s: ModelStats) => number | null }[] = [
  { metric: 'model_latency_p95_ms', value: (s) => s.latencyP95Ms },
  { metric: 'model_error_rate', value: (s) => s.errorRate },
  { metric: 'model_cost_usd', value: (s) => s.costUsd },
];

export interface ModelSeriesOptions {
  readonly from: number;
  readonly to: number;
  readonly stepMs: number;
  /** Tenants to watch one by one as well (their own cost and latency); none = the global view only. */
  readonly tenants?: readonly string[];
}

export async function modelMetricSeries(queries: MetricsQueries, options: ModelSeriesOptions): Promise<MetricSeries[]> {
  const series = new Map<string, { metric: string; labels: Record<string, string>; timestamps: number[]; values: number[] }>();
  const scopes: (string | undefined)[] = [undefined, ...(options.tenants ?? [])];
  const start = Math.floor(options.from / options.stepMs) * options.stepMs;
  for (const tenantId of scopes) {
    for (let t = start; t < options.to; t += options.stepMs) {
      const stats = await queries.modelStats({ from: new Date(t), to: new Date(t + options.stepMs), ...(tenantId && { tenantId }) });
      for (const s of stats) {
        for (const view of VIEWS) {
          const v = view.value(s);
          if (v === null || !Number.isFinite(v)) continue;
          const labels: Record<string, string> = { model: s.model, provider: s.provider, ...(tenantId && { tenant: tenantId }) };
          const key = seriesKey(view.metric, labels);
          let entry = series.get(key);
          if (!entry) series.set(key, (entry = { metric: view.metric, labels, timestamps: [], values: [] }));
          entry.timestamps.push(t);
          entry.values.push(v);
        }
      }
    }
  }
  return [...series.entries()].map(([key, s]) => ({ key, ...s }));
}
