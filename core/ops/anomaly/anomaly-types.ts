// Shapes of the scheduled anomaly scan, shared by the workflow (types and constants only: pure),
// the activity and the schedule.

/** One metric series on a regular grid (missing buckets are simply absent). */
export interface MetricSeries {
  /** Stable name, also the alert group: `model_latency_p95_ms{model="gpt-4o-mini"}`. */
  readonly key: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch ms of each bucket's start, increasing. */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

export interface DetectedAnomaly {
  readonly series: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** ISO time of the anomalous bucket. */
  readonly at: string;
  readonly value: number;
  /** The detector's score, 0..1 (≥ the shipped threshold). */
  readonly score: number;
}

export interface AnomalyScanInput {
  /** The instant the scan is for (the workflow's clock), epoch ms. */
  readonly now: number;
  /** How much history the detector replays (it is stateless between runs: see anomaly-scan.ts). */
  readonly lookbackMs: number;
  /** Bucket width of the series. */
  readonly stepMs: number;
  /** Report anomalies of the last `intervalMs` only: the schedule's period, so each is raised once. */
  readonly intervalMs: number;
}

export interface AnomalyScanResult {
  readonly seriesScanned: number;
  /** Anomalies whose bucket lies in (now − interval, now]. */
  readonly firing: DetectedAnomaly[];
  /** Series that were anomalous in the interval before and are quiet now: their alerts resolve. */
  readonly recovered: string[];
}

export interface AnomalyDetectorInput {
  readonly lookbackMinutes?: number;
  readonly stepSeconds?: number;
  readonly intervalSeconds?: number;
}

export interface AnomalyDetectorResult extends AnomalyScanResult {
  readonly raised: number;
}

export const ANOMALY_DETECTOR_WORKFLOW = 'anomalyDetector';
export const ANOMALY_SCHEDULE_ID = 'soma-anomaly-detector';
/** Alert groups of anomalies: one per series, so a series' alert run lives until it recovers. */
export const anomalyGroupKey = (series: string): string => `anomaly:${series}`;
