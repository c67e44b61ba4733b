import type { Registry } from 'prom-client';
import type { Logger } from '../../platform/logger.ts';
import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';
import { createMetricsSinkCounters } from './metrics-sink-counters.ts';
import type { MetricsSink, MetricsWriter } from './metrics-sink.ts';
import { normalizeMetric } from './normalize-metric.ts';

export interface BufferedMetricsSinkOptions {
  /** Most metrics in one write (M). A full batch is written at once, without waiting for the interval. */
  batchRows: number;
  /** Longest a metric waits in the buffer while the backend is healthy (N). */
  flushIntervalMs: number;
  /** Most metrics held at once, written or not; beyond it new metrics are dropped and counted. */
  bufferRows: number;
  /** First retry delay after a failed write; it doubles per failure, with jitter. Default 200. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs: number;
  /** A write that has not answered by then counts as failed and is retried. */
  writeTimeoutMs: number;
  /** How long close() keeps trying to write what is buffered. Default 5000. */
  closeTimeoutMs?: number;
  registry: Registry;
  logger?: Logger;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function withTimeout(write: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`metrics write timed out after ${ms} ms`)), ms);
  });
  // A write abandoned here may still land later; both stores drop the copy the retry sends.
  return Promise.race([Promise.resolve().then(write), timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The one MetricsSink, over any backend's writer. `record` only validates and appends to an
 * array; a timer writes the buffer in batches, one write at a time, oldest first.
 *
 * A failed write keeps its batch at the head of the buffer and is retried with exponential
 * backoff, so nothing accepted is lost while the backend is down. The buffer is bounded:
 * when it is full the NEWEST metric is refused (record returns false, counted as
 * `buffer_full`). Dropping the newest rather than the oldest keeps the promise made to every
 * metric already accepted, and keeps the oldest data, which an outage makes the scarcest.
 */
export function createBufferedMetricsSink(writer: MetricsWriter, options: BufferedMetricsSinkOptions): MetricsSink {
  const logger = options.logger ?? silent;
  const retryBase = options.retryBaseDelayMs ?? 200;
  const buffer: ModelAttemptMetric[] = [];
  const counters = createMetricsSinkCounters(options.registry, writer.backend, () => buffer.length);
  /** Totals since start: metric number k (1-based, in accept order) is stored once written >= k. */
  let accepted = 0;
  let written = 0;
  let failures = 0;
  let busy = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  function backoffMs(): number {
    const ceiling = Math.min(options.retryMaxDelayMs, retryBase * 2 ** Math.min(failures - 1, 30));
    return Math.round(ceiling * (0.5 + Math.random() * 0.5));
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    timer = setTimeout(pump, delayMs);
    // Metrics alone never keep a process alive; close() is how a process keeps them.
    timer.unref();
  }

  /** Keeps the invariant: while metrics are buffered, a timer is pending or a write is running. */
  function arm(): void {
    if (closed || timer || busy || buffer.length === 0) return;
    schedule(failures > 0 ? backoffMs() : buffer.length >= options.batchRows ? 0 : options.flushIntervalMs);
  }

  async function writeBatch(): Promise<void> {
    const batch = buffer.slice(0, options.batchRows);
    await withTimeout(() => writer.write(batch), options.writeTimeoutMs);
    buffer.splice(0, batch.length);
    written += batch.length;
    counters.written(batch.length);
  }

  /** Writes, one batch after another, until every metric accepted before `target` is stored. */
  function writeUpTo(target: number): Promise<void> {
    const run = chain.then(async () => {
      busy = true;
      try {
        while (written < target && buffer.length > 0) await writeBatch();
        if (failures > 0) logger.info('metrics backend is back', { backend: writer.backend, failedWrites: failures });
        failures = 0;
      } catch (err) {
        failures += 1;
        counters.writeFailed();
        if (failures === 1 || failures % 20 === 0) {
          logger.warn('metrics write failed; keeping the batch and retrying', {
            backend: writer.backend,
            failedWrites: failures,
            buffered: buffer.length,
            error: err instanceof Error ? err.message : String(err),
          });
        }
        throw err;
      } finally {
        busy = false;
        arm();
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function pump(): void {
    timer = undefined;
    // Failures are counted and logged in writeUpTo; arm() has scheduled the retry.
    writeUpTo(accepted).catch(() => undefined);
  }

  return {
    backend: writer.backend,

    record(metric) {
      if (closed) {
        counters.dropped('closed');
        return false;
      }
      const clean = normalizeMetric(metric);
      if (!clean) {
        counters.dropped('invalid');
        return false;
      }
      // Prometheus sees every valid attempt, stored or not: the provider SLIs (infra/slo/) read it.
      counters.attempt(clean);
      if (buffer.length >= options.bufferRows) {
        counters.dropped('buffer_full');
        return false;
      }
      buffer.push(clean);
      accepted += 1;
      counters.accepted();
      // A batch just filled up: write it now rather than at the end of the interval.
      if (buffer.length === options.batchRows && failures === 0 && !busy) schedule(0);
      else arm();
      return true;
    },

    flush() {
      return writeUpTo(accepted);
    },

    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(timer);
        timer = undefined;
        const deadline = Date.now() + (options.closeTimeoutMs ?? 5000);
        while (buffer.length > 0 && Date.now() < deadline) {
          try {
            await writeUpTo(accepted);
          } catch {
            await sleep(Math.max(0, Math.min(backoffMs(), deadline - Date.now())));
          }
        }
        await chain;
        if (buffer.length > 0) {
          logger.error('metrics backend unreachable at shutdown; dropping what was buffered', {
            backend: writer.backend,
            dropped: buffer.length,
          });
          counters.dropped('shutdown', buffer.length);
          buffer.length = 0;
        }
      })();
      return closing;
    },

    buffered() {
      return buffer.length;
    },
  };
}
