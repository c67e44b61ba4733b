import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import { createProviderSet } from '../core/providers/provider-set.ts';
import type { Env } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetricsSink } from '../stores/metrics/create-model-metrics.ts';
import type { MetricsSink } from '../stores/metrics/metrics-sink.ts';
import type { Pool } from '../platform/db/pool.ts';
import { createRunStreamBus } from '../stores/run-streams/create-run-stream-bus.ts';
import type { RunStreamBus } from '../stores/run-streams/run-stream-bus.ts';
import { breakerPolicyFrom, createWorker } from './create-worker.ts';
import { Client } from '@temporalio/client';
import { createMemoryFromEnv, type Memory } from '../composition/memory-from-env.ts';
import { createMemoryIndexTrigger } from '../core/memory/memory-index-trigger.ts';
import { dataConverterFromEnv } from '../platform/temporal/payload-codec/payload-data-converter.ts';

export interface WorkerFromEnv {
  worker: Worker;
  /** Close after the worker stopped, so accepted metrics are written before the process goes. */
  metrics: MetricsSink;
  /** Close after the worker stopped, too. */
  streams: RunStreamBus;
}

/** The production wiring of a worker: providers, metrics sink and breakers from configuration. */
export interface WorkerFromEnvOptions {
  /** The process's /metrics registry, for the sink's counters. */
  registry: Registry;
  /** A bus the process already has (the API's), instead of a new one. */
  streams?: RunStreamBus;
  /** The memory (embedder, vectors) the process already has, instead of new ones. */
  memory?: Memory;
}

export async function createWorkerFromEnv(env: Env, pool: Pool, connection: NativeConnection, service: string, options: WorkerFromEnvOptions): Promise<WorkerFromEnv> {
  const { streams } = options;
  const logger = createLogger(service, env.LOG_LEVEL);
  const metrics = createMetricsSink({ env, pool, registry: options.registry, logger });
  const bus = streams ?? createRunStreamBus(env, pool, (message) => logger.warn(message));
  const memory = options.memory ?? (await createMemoryFromEnv(env, pool));
  const dataConverter = dataConverterFromEnv(env);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    pool,
    providers: createProviderSet(env),
    metrics,
    breakerPolicy: breakerPolicyFrom(env),
    streams: bus,
    memory,
    indexTrigger: createMemoryIndexTrigger(client, env.TEMPORAL_TASK_QUEUE),
    warn: (message) => logger.warn(message),
    dataConverter,
  });
  return { worker, metrics, streams: bus };
}
