import type { Pool } from '../../platform/db/pool.ts';
import { createPostgresRunStreamBus } from './postgres-run-stream-bus.ts';
import { createRedisRunStreamBus } from './redis-run-stream-bus.ts';
import type { RunStreamBus } from './run-stream-bus.ts';

export interface RunStreamBusSettings {
  REDIS_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
}

/** Redis when REDIS_URL is set; otherwise the Postgres the platform already uses. */
export function createRunStreamBus(env: RunStreamBusSettings, pool: Pool, log?: (message: string) => void): RunStreamBus {
  if (env.REDIS_URL) return createRedisRunStreamBus(env.REDIS_URL, log);
  if (!env.DATABASE_URL) throw new Error('Streaming needs REDIS_URL or DATABASE_URL.');
  return createPostgresRunStreamBus({ pool, connectionString: env.DATABASE_URL, ...(log && { log }) });
}
