import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import { createServices } from '../composition/services.ts';
import { loadEnv } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createPool } from '../platform/db/pool.ts';
import { dataConverterFromEnv } from '../platform/temporal/payload-codec/payload-data-converter.ts';
import { createWorker } from '../workers/create-worker.ts';
import { createApp } from './create-app.ts';

const env = loadEnv();
const logger = createLogger('api', env.LOG_LEVEL);
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set for the API (npm start sets it).');

const pool = createPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}` });
// Every payload the API writes to Temporal is encrypted, and every result it reads decrypted.
const dataConverter = dataConverterFromEnv(env);
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
// One registry for /metrics: the API's request metrics and the embedded worker's sink counters.
const registry = new Registry();
// One set of services for the process: the embedded worker shares the stream bus the API
// subscribes to, the embedder, the caches.
const services = await createServices({ env, pool, client, logger, registry });

// An in-process worker sharing its connection with a second client lets completions start
// eagerly: the first workflow task runs here instead of travelling through the task queue.
let embedded: { worker: Worker; connection: NativeConnection; running: Promise<void> } | undefined;
if (env.API_EMBEDDED_WORKER) {
  const native = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}` });
  const workerLogger = createLogger('api-worker', env.LOG_LEVEL);
  const worker = await createWorker({
    connection: native,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    services,
    warn: (message) => workerLogger.warn(message),
    dataConverter,
  });
  embedded = { worker, connection: native, running: worker.run() };
}
const app = createApp({
  env,
  pool,
  connection,
  client,
  logger,
  services,
  registry,
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
  }
  // After the worker stopped: accepted metrics are written before the process goes.
  await services.close();
  await Promise.allSettled([connection.close(), pool.end()]);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
