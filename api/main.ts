import { Client, Connection } from '@temporalio/client';
import { createProviderSet } from '../activities/providers/provider-set.ts';
import { loadEnv } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';
import { createPool } from '../stores/pool.ts';
import { createModelRegistryStore } from '../stores/model-registry.ts';
import { createModelRegistryCache } from '../stores/model-registry-cache.ts';
import { createMetricsQueries } from '../stores/metrics/create-model-metrics.ts';
import { createApp } from './create-app.ts';

const env = loadEnv();
const logger = createLogger('api', env.LOG_LEVEL);
if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set for the API (npm start sets it).');

const pool = createPool(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}` });
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({
  env,
  pool,
  connection,
  client,
  logger,
  availableProviders: new Set(createProviderSet(env).keys()),
  models: createModelRegistryCache(createModelRegistryStore(pool)),
  metrics: createMetricsQueries({ env, pool }),
});

const server = app.listen(env.PORT, env.HOST);
server.on('listening', () => logger.info('api listening', { url: `http://${env.HOST}:${env.PORT}` }));
server.on('error', (err: NodeJS.ErrnoException) => {
  logger.error(err.code === 'EADDRINUSE' ? `port ${env.PORT} is already in use; set PORT to another port` : err.message);
  process.exit(1);
});

async function shutdown(): Promise<void> {
  server.close();
  await Promise.allSettled([connection.close(), pool.end()]);
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
