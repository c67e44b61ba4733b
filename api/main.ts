import { Client, Connection } from '@temporalio/client';
import { createProviderSet } from '../core/providers/provider-set.ts';
import { loadEnv } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createPool } from '../platform/db/pool.ts';
import { createModelRegistryStore } from '../stores/model-registry.ts';
import { createModelRegistryCache } from '../stores/model-registry-cache.ts';
import { createMetricsQueries } from '../stores/metrics/create-model-metrics.ts';
import { createApp } from './create-app.ts';
import { NativeConnection } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { createWorkerFromEnv, type WorkerFromEnv } from '../workers/worker-from-env.ts';
import { createRunStreamBus } from '../stores/run-streams/create-run-stream-bus.ts';
import { createMemoryFromEnv } from '../composition/memory-from-env.ts';
import { createMemoryIndexTrigger } from '../core/memory/memory-index-trigger.ts';
import { dataConverterFromEnv } from '../platform/temporal/payload-codec/payload-data-converter.ts';

const env = loadEnv();
const logger = createLogger('api', env.LOG_LEVEL);
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set for the API (npm start sets it).');

const pool = createPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}` });
// Every payload the API writes to Temporal is encrypted, and every result it reads decrypted.
const dataConverter = dataConverterFromEnv(env);
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
// One bus per process: the API subscribes to streamed runs, the embedded worker publishes.
const streams = createRunStreamBus(env, pool, (message) => logger.warn(message));
const memory = await createMemoryFromEnv(env, pool);
// One registry for /metrics: the API's request metrics and the embedded worker's sink counters.
const registry = new Registry();

// An in-process worker sharing its connection with a second client lets completions start
// eagerly: the first workflow task runs here instead of travelling through the task queue.
let embedded: (WorkerFromEnv & { connection: NativeConnection; running: Promise<void> }) | undefined;
if (env.API_EMBEDDED_WORKER) {
  const native = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}` });
  const made = await createWorkerFromEnv(env, pool, native, 'api-worker', { registry, streams, memory });
  embedded = { ...made, connection: native, running: made.worker.run() };
}
const app = createApp({
  env,
  pool,
  connection,
  client,
  logger,
  availableProviders: new Set(createProviderSet(env).keys()),
  models: createModelRegistryCache(createModelRegistryStore(pool)),
  metrics: createMetricsQueries({ env, pool }),
  streams,
  registry,
  memory,
  indexTrigger: createMemoryIndexTrigger(client, env.TEMPORAL_TASK_QUEUE),
  ...(embedded && { eagerStarter: new Client({ connection: embedded.connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }) }),
});

const server = app.listen(env.PORT, env.HOST);
server.on('listening', () => logger.info('api listening', { url: `http://${env.HOST}:${env.PORT}` }));
server.on('error', (err: NodeJS.ErrnoException) => {
  logger.error(err.code === 'EADDRINUSE' ? `port ${env.PORT} is already in use; set PORT to another port` : err.message);
  process.exit(1);
});

async function shutdown(): Promise<void> {
  server.close();
  if (embedded) {
    // The worker drains its in-flight tasks (the SDK also reacts to the signal itself).
    if (embedded.worker.getState() === 'RUNNING') embedded.worker.shutdown();
    await embedded.running.catch(() => undefined);
    await embedded.metrics.close();
  }
  await streams.close();
  await Promise.allSettled([connection.close(), pool.end()]);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
