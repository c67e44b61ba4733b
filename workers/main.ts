import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadEnv } from '../platform/config.ts';
import { createPool } from '../platform/db/pool.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createWorkerFromEnv } from './worker-from-env.ts';

// The worker process: hosts every SomaAgent workflow and activity on one task queue.
const env = loadEnv();
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set for the worker (npm start sets it).');
const address = env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;

const admin = await Connection.connect({ address });
await ensureSearchAttributes(admin, env.TEMPORAL_NAMESPACE);
await admin.close();

const pool = createPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = await NativeConnection.connect({ address });
const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'somaagent_worker_' });
const { worker, metrics, streams } = await createWorkerFromEnv(env, pool, connection, 'worker', { registry });
const metricsServer = await startMetricsServer(registry, env.HOST, env.WORKER_METRICS_PORT).catch((err: NodeJS.ErrnoException) => {
  process.stderr.write(
    err.code === 'EADDRINUSE' ? `port ${env.WORKER_METRICS_PORT} is already in use; set WORKER_METRICS_PORT to another port\n` : `metrics server: ${err.message}\n`,
  );
  process.exit(1);
});
process.stdout.write(`worker polling task queue "${env.TEMPORAL_TASK_QUEUE}" on ${address}; metrics on http://${env.HOST}:${env.WORKER_METRICS_PORT}/metrics\n`);
// Worker.run resolves after SIGINT/SIGTERM: the SDK drains in-flight tasks first.
await worker.run();
await metrics.close();
await streams.close();
metricsServer.close();
await connection.close();
await pool.end();
