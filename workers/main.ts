import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadEnv } from '../common/config.ts';
import { createPool } from '../stores/pool.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
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
const { worker, metrics, streams } = await createWorkerFromEnv(env, pool, connection, 'worker');
process.stdout.write(`worker polling task queue "${env.TEMPORAL_TASK_QUEUE}" on ${address}\n`);
// Worker.run resolves after SIGINT/SIGTERM: the SDK drains in-flight tasks first.
await worker.run();
await metrics.close();
await streams.close();
await connection.close();
await pool.end();
