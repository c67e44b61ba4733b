import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createServices } from '../composition/services.ts';
import { loadEnv } from '../platform/config.ts';
import { createPool } from '../platform/db/pool.ts';
import { createLogger } from '../platform/logger.ts';
import { dataConverterFromEnv } from '../platform/temporal/payload-codec/payload-data-converter.ts';
import { createWorker } from './create-worker.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { startMetricsServer } from './metrics-server.ts';

// The worker process: hosts every SomaAgent workflow and activity on one task queue.
const env = loadEnv();
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set for the worker (npm start sets it).');
const address = env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;
const logger = createLogger('worker', env.LOG_LEVEL);

const admin = await Connection.connect({ address });
await ensureSearchAttributes(admin, env.TEMPORAL_NAMESPACE);
await admin.close();

const pool = createPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = await NativeConnection.connect({ address });
// Every payload the worker writes to history is encrypted, as the API's are.
const dataConverter = dataConverterFromEnv(env);
// Activities start workflows too (the memory indexer's signal-with-start) over the same connection.
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'somaagent_worker_' });
const services = await createServices({ env, pool, client, logger, registry });
const worker = await createWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE,
  taskQueue: env.TEMPORAL_TASK_QUEUE,
  services,
  warn: (message) => logger.warn(message),
  dataConverter,
});
const metricsServer = await startMetricsServer(registry, env.HOST, env.WORKER_METRICS_PORT).catch((err: NodeJS.ErrnoException) => {
  process.stderr.write(
    err.code === 'EADDRINUSE' ? `port ${env.WORKER_METRICS_PORT} is already in use; set WORKER_METRICS_PORT to another port\n` : `metrics server: ${err.message}\n`,
  );
  process.exit(1);
});
process.stdout.write(`worker polling task queue "${env.TEMPORAL_TASK_QUEUE}" on ${address}; metrics on http://${env.HOST}:${env.WORKER_METRICS_PORT}/metrics\n`);
// Worker.run resolves after SIGINT/SIGTERM: the SDK drains in-flight tasks first.
await worker.run();
// After the worker stopped: accepted metrics are written before the process goes.
await services.close();
metricsServer.close();
await connection.close();
await pool.end();
