// Runs the detector over recent series and picks what to raise.
//
// State decision: the detector is deterministic, so instead of persisting its internal state
// between scheduled runs (a blob per series to version and migrate), each run replays the
// lookback window from the durable store of record (the metrics store, Prometheus). The same
// history gives the same scores, so a run retried by Temporal, or a schedule that caught up,
// raises the same anomalies; only points inside the last interval are reported, so consecutive
// runs do not repeat each other. The cost is CPU (a few ms per series), which is cheap.
import { detectSeries, DEFAULT_DETECTOR_PARAMS, type DetectorParams } from './detector.ts';
import type { AnomalyScanResult, DetectedAnomaly, MetricSeries } from './anomaly-types.ts';

/** Score at or above which a point is an anomaly: NAB's optimised threshold for the shipped params. */
export const DEFAULT_ANOMALY_THRESHOLD = 0.5;
/** Points the detector only learns from at the start of each replay. */
export const WARM_UP_POINTS = 30;

export interface ScanOptions {
  readonly now: number;
  readonly intervalMs: number;
  readonly params?: DetectorParams;
  readonly threshold?: number;
}

export function scanSeries(series: readonly MetricSeries[], options: ScanOptions): AnomalyScanResult {
  const params = options.params ?? DEFAULT_DETECTOR_PARAMS;
  const threshold = options.threshold ?? DEFAULT_ANOMALY_THRESHOLD;
  const since = options.now - options.intervalMs;
  const before = since - options.intervalMs;
  const firing: DetectedAnomaly[] = [];
  const recovered: string[] = [];
  for (const s of series) {
    const scores = detectSeries(s.values, params, WARM_UP_POINTS);
    // The latest of the highest-scoring points: the freshest value is what an on-call wants to see.
    let now: DetectedAnomaly | undefined;
    let earlier = false;
    scores.forEach((score, i) => {
      if (score < threshold) return;
      const t = s.timestamps[i]!;
      if (t > since && t <= options.now) {
        if (!now || score >= now.score) now = { series: s.key, metric: s.metric, labels: s.labels, at: new Date(t).toISOString(), value: s.values[i]!, score };
      } else if (t > before && t <= since) earlier = true;
    });
    if (now) firing.push(now);
    else if (earlier) recovered.push(s.key);
  }
  return { seriesScanned: series.length, firing, recovered };
}

/** `name{a="x",b="y"}`, labels sorted: the series key and alert group. */
export function seriesKey(metric: string, labels: Readonly<Record<string, string>>): string {
  const inner = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`).join(',');
  return `${metric}{${inner}}`;
}
