import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';
import type { MetricsBackend } from './metrics-sink.ts';

export type DropReason = 'buffer_full' | 'invalid' | 'closed' | 'shutdown';

export interface MetricsSinkCounters {
  accepted(): void;
  written(rows: number): void;
  dropped(reason: DropReason, rows?: number): void;
  writeFailed(): void;
  /** One provider attempt, for the provider availability and time-to-first-token SLIs. */
  attempt(metric: Pick<ModelAttemptMetric, 'provider' | 'status' | 'errorClass' | 'ttftMs'>): void;
}

/** A metric already in the registry is reused: two sinks in one process share the series. */
function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * The sink's own health, on the caller's registry (never the global one): what it accepted,
 * wrote, dropped (by reason) and how many batch writes failed, plus what it holds right now.
 */
export function createMetricsSinkCounters(registry: Registry, backend: MetricsBackend, buffered: () => number): MetricsSinkCounters {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    reuse(registry, name, () => new Counter({ name, help, labelNames, registers }));
  const accepted = counter('somaagent_model_metrics_accepted_total', 'Model attempt metrics accepted into the write buffer', ['backend']);
  const written = counter('somaagent_model_metrics_written_total', 'Model attempt metrics stored by the backend', ['backend']);
  const dropped = counter(
    'somaagent_model_metrics_dropped_total',
    'Model attempt metrics dropped: buffer_full, invalid, closed (recorded after close), shutdown (unwritten at close)',
    ['backend', 'reason'],
  );
  const failures = counter('somaagent_model_metrics_write_failures_total', 'Batch writes to the metrics backend that failed and will be retried', ['backend']);
  reuse(registry, 'somaagent_model_metrics_buffered', () => new Gauge({
    name: 'somaagent_model_metrics_buffered',
    help: 'Model attempt metrics accepted and not yet written',
    labelNames: ['backend'] as const,
    registers,
    collect() {
      this.set({ backend }, buffered());
    },
  }));
  const attempts = counter(
    'somaagent_provider_attempts_total',
    'Model provider attempts by outcome: status ok or error, with the failure kind (core/providers/provider-failures.ts)',
    ['provider', 'status', 'error_class'],
  );
  const ttft = reuse(registry, 'somaagent_model_time_to_first_token_seconds', () => new Histogram({
    name: 'somaagent_model_time_to_first_token_seconds',
    help: 'Time from the start of a provider attempt to its first token',
    labelNames: ['provider'] as const,
    // 1 s is the SLO threshold (infra/slo/): a bucket boundary, so good events are counted exactly.
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  }));
  return {
    attempt: (m) => {
      attempts.inc({ provider: m.provider, status: m.status, error_class: m.errorClass ?? '' });
      if (m.ttftMs !== null) ttft.observe({ provider: m.provider }, m.ttftMs / 1000);
    },
    accepted: () => accepted.inc({ backend }),
    written: (rows) => written.inc({ backend }, rows),
    dropped: (reason, rows = 1) => dropped.inc({ backend, reason }, rows),
    writeFailed: () => failures.inc({ backend }),
  };
}
