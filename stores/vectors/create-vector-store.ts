import { ConfigError, type Env } from '../../platform/config.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { createPgvectorStore } from './pgvector-vector-store.ts';
import { createPineconeVectorStore } from './pinecone-vector-store.ts';
import type { VectorStore } from './vector-store.ts';

/** The configured vector store for vectors of this embedding model and dimension. */
export async function createVectorStore(env: Env, pool: Pool, embedding: { model: string; dimension: number }): Promise<VectorStore> {
  if (env.VECTOR_STORE === 'pinecone') {
    if (!env.PINECONE_API_KEY) throw new ConfigError('VECTOR_STORE=pinecone needs PINECONE_API_KEY');
    if (!env.PINECONE_INDEX_HOST && !env.PINECONE_INDEX) throw new ConfigError('VECTOR_STORE=pinecone needs PINECONE_INDEX_HOST or PINECONE_INDEX');
    const store = createPineconeVectorStore({
      apiKey: env.PINECONE_API_KEY,
      ...(env.PINECONE_INDEX_HOST ? { indexHost: env.PINECONE_INDEX_HOST } : { indexName: env.PINECONE_INDEX! }),
      ...(env.PINECONE_CONTROLLER_HOST && { controllerHostUrl: env.PINECONE_CONTROLLER_HOST }),
      ...(env.PINECONE_NAMESPACE_PREFIX && { namespacePrefix: env.PINECONE_NAMESPACE_PREFIX }),
      model: embedding.model,
      dimension: embedding.dimension,
      maxRetries: env.PINECONE_MAX_RETRIES,
    });
    // An index of another dimension is a configuration error: say so at start, not per request.
    await store.checkIndex();
    return store;
  }
  return createPgvectorStore({
    pool,
    model: embedding.model,
    dimension: embedding.dimension,
    hnsw: { m: env.PGVECTOR_HNSW_M, efConstruction: env.PGVECTOR_HNSW_EF_CONSTRUCTION, efSearch: env.PGVECTOR_EF_SEARCH },
  });
}
