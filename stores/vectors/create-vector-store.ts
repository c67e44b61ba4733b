import { ConfigError, type Env } from '../../platform/config.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { createVariableReader, type RawVars } from '../../platform/variable-reader.ts';
import { VECTOR_STORE_IDS, vectorStoreAdapter } from './vector-store-registry.ts';
import type { VectorStore } from './vector-store.ts';

/**
 * The configured vector store for vectors of this embedding model and dimension. VECTOR_STORE is
 * checked against the registry here (platform/config.ts cannot see the adapters), at start.
 */
export async function createVectorStore(
  env: Env,
  pool: Pool,
  embedding: { model: string; dimension: number },
  vars: RawVars = process.env,
): Promise<VectorStore> {
  const adapter = vectorStoreAdapter(env.VECTOR_STORE);
  if (!adapter) throw new ConfigError(`VECTOR_STORE=${env.VECTOR_STORE} is not a registered vector store (${VECTOR_STORE_IDS.join(', ')})`);
  return adapter.create({ env, read: createVariableReader(env, vars), pool, embedding });
}
