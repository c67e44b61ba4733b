import type { MetricsQueries } from '../../stores/metrics/metrics-queries.ts';
import type { AnomalyScanInput, AnomalyScanResult, MetricSeries } from '../../core/ops/anomaly/anomaly-types.ts';
import { scanSeries } from '../../core/ops/anomaly/anomaly-scan.ts';
import { modelMetricSeries } from '../../core/ops/anomaly/model-metric-series.ts';
import { prometheusSeries, type PrometheusSource } from '../../core/ops/anomaly/prometheus-series.ts';
import { ApplicationFailure } from '@temporalio/common';
import { BAD_DATA_FAILURE } from '../../platform/temporal/bad-data-failure.ts';

export interface AnomalyActivitiesDeps {
  metrics: MetricsQueries;
  /** Prometheus' query API and the PromQL expressions to watch (PROMETHEUS_URL, ANOMALY_PROMQL); absent = model metrics only. */
  prometheus?: PrometheusSource | undefined;
}

/** A scan request no retry can fix: fail the step at once. */
function badData(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: BAD_DATA_FAILURE, message, nonRetryable: true });
}

/** Longest replay: the detector's windows need a few hundred points, more is wasted work. */
const MAX_BUCKETS = 2000;

/**
 * The detection side of the scheduled `anomalyDetector` workflow: reads the series (model
 * metrics store, Prometheus when configured), runs the detector, returns what to raise. The
 * workflow raises through the alert path's own activity.
 */
export function createAnomalyActivities(deps: AnomalyActivitiesDeps) {
  return {
    async scanForAnomalies(input: AnomalyScanInput): Promise<AnomalyScanResult> {
      if (!(input.stepMs > 0 && input.lookbackMs >= input.stepMs && input.intervalMs > 0)) {
        throw badData(`scan needs stepMs > 0, lookbackMs ≥ stepMs and intervalMs > 0 (got ${input.stepMs}, ${input.lookbackMs}, ${input.intervalMs})`);
      }
      if (input.lookbackMs / input.stepMs > MAX_BUCKETS) throw badData(`lookback is more than ${MAX_BUCKETS} buckets`);
      const range = { from: input.now - input.lookbackMs, to: input.now, stepMs: input.stepMs };
      const series: MetricSeries[] = await modelMetricSeries(deps.metrics, range);
      if (deps.prometheus && deps.prometheus.queries.length > 0) {
        series.push(...(await prometheusSeries(deps.prometheus.outbound, { baseUrl: deps.prometheus.baseUrl, queries: deps.prometheus.queries, ...range })));
      }
      return scanSeries(series, { now: input.now, intervalMs: input.intervalMs });
    },
  };
}

export type AnomalyActivities = ReturnType<typeof createAnomalyActivities>;
