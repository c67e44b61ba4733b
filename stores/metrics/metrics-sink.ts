import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';

export type MetricsBackend = 'clickhouse' | 'postgres';

/**
 * Where provider attempts are recorded. `record` is called on the request path, so it never
 * waits and never throws: it copies the metric into a bounded in-memory buffer that is written
 * in batches behind the caller's back.
 */
export interface MetricsSink {
  readonly backend: MetricsBackend;
  /**
   * Accepts the metric for writing and returns true, or returns false and counts a drop: the
   * buffer is full, the metric is malformed, or the sink is closed. An accepted metric is
   * written eventually, through any number of backend outages, unless the process stops
   * before the backend is back (see close).
   */
  record(metric: ModelAttemptMetric): boolean;
  /**
   * Writes every metric accepted before the call, now, skipping any retry wait. Rejects with
   * the backend's error when a write fails; the metrics stay buffered and are retried.
   */
  flush(): Promise<void>;
  /**
   * Stops accepting, then keeps trying to write what is buffered for up to the close timeout;
   * what is still unwritten then is counted as dropped (`shutdown`). Never rejects.
   */
  close(): Promise<void>;
  /** Metrics accepted and not yet written. */
  buffered(): number;
}

/** One backend's batch insert. Rejects when the batch was not stored; it will be sent again. */
export interface MetricsWriter {
  readonly backend: MetricsBackend;
  write(batch: readonly ModelAttemptMetric[]): Promise<void>;
}
