import type { NativeConnection, Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { createProviderSet } from '../activities/providers/provider-set.ts';
import type { Env } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { createMetricsSink } from '../stores/metrics/create-model-metrics.ts';
import type { MetricsSink } from '../stores/metrics/metrics-sink.ts';
import type { Pool } from '../stores/pool.ts';
import { breakerPolicyFrom, createWorker } from './create-worker.ts';

export interface WorkerFromEnv {
  worker: Worker;
  /** Close after the worker stopped, so accepted metrics are written before the process goes. */
  metrics: MetricsSink;
}

/** The production wiring of a worker: providers, metrics sink and breakers from configuration. */
export async function createWorkerFromEnv(env: Env, pool: Pool, connection: NativeConnection, service: string): Promise<WorkerFromEnv> {
  const metrics = createMetricsSink({ env, pool, registry: new Registry(), logger: createLogger(service, env.LOG_LEVEL) });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    pool,
    providers: createProviderSet(env),
    metrics,
    breakerPolicy: breakerPolicyFrom(env),
  });
  return { worker, metrics };
}
