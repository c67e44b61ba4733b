import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { AnomalyActivities } from '../activities/ops/anomaly-activities.ts';
import type { AlertActivities } from '../activities/ops/create-alert-activities.ts';
import type { AlertGroupUpdate } from '../core/ops/alert-types.ts';
import { anomalyGroupKey, type AnomalyDetectorInput, type AnomalyDetectorResult, type DetectedAnomaly } from '../core/ops/anomaly/anomaly-types.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';

// A scan is cheap to repeat and the next scheduled run comes soon: a few quick retries only.
const scanning: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 4 }),
};
// Raising must not be lost to a blip of the Temporal frontend: retry longer.
const raising: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 }),
};
const { scanForAnomalies } = proxyActivities<AnomalyActivities>(scanning);
const { raiseAlert } = proxyActivities<AlertActivities>(raising);

export const DEFAULT_LOOKBACK_MINUTES = 360;
export const DEFAULT_STEP_SECONDS = 60;
export const DEFAULT_INTERVAL_SECONDS = 300;

function update(series: string, status: 'firing' | 'resolved', anomaly?: DetectedAnomaly): AlertGroupUpdate {
  const labels = { alertname: 'MetricAnomaly', severity: 'ticket', ...(anomaly ? { metric: anomaly.metric, ...anomaly.labels } : {}) };
  return {
    groupKey: anomalyGroupKey(series),
    status,
    source: 'anomaly-detector',
    groupLabels: { series },
    commonLabels: labels,
    commonAnnotations: anomaly ? { summary: `${series} = ${anomaly.value} at ${anomaly.at} (anomaly score ${anomaly.score.toFixed(3)})` } : {},
    alerts: [
      {
        status,
        labels,
        annotations: anomaly ? { value: String(anomaly.value), score: anomaly.score.toFixed(4), at: anomaly.at } : {},
        startsAt: anomaly?.at ?? new Date().toISOString(),
        endsAt: status === 'resolved' ? new Date().toISOString() : '',
        fingerprint: series.slice(0, 64),
      },
    ],
  };
}

/**
 * One scan, started by the `soma-anomaly-detector` Temporal Schedule (core/ops/anomaly/
 * anomaly-schedule.ts) every interval: the activity replays the lookback through the detector;
 * each series anomalous in the last interval is raised into the alert path (one `alert` run per
 * series), and a series that was anomalous the interval before and is quiet now is resolved.
 */
export async function anomalyDetector(input: AnomalyDetectorInput = {}): Promise<AnomalyDetectorResult> {
  const stepMs = (input.stepSeconds ?? DEFAULT_STEP_SECONDS) * 1000;
  const result = await scanForAnomalies({
    now: Date.now(),
    lookbackMs: (input.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES) * 60_000,
    stepMs,
    intervalMs: (input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000,
  });
  let raised = 0;
  for (const anomaly of result.firing) {
    await raiseAlert(update(anomaly.series, 'firing', anomaly));
    raised++;
  }
  for (const series of result.recovered) {
    await raiseAlert(update(series, 'resolved'));
    raised++;
  }
  return { ...result, raised };
}
