import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadEnv } from '../platform/config.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { newId } from '../platform/ids.ts';
import { createVectorStore } from '../stores/vectors/create-vector-store.ts';
import { VECTOR_STORE_IDS } from '../stores/vectors/vector-store-registry.ts';

let pool: Pool;
const embedding = { model: 'test/registry-4', dimension: 4 };

beforeAll(() => {
  pool = createPool(inject('databaseUrl'), 2);
});
afterAll(async () => pool?.end());

describe('vector store registry', () => {
  it('lists every adapter once', () => {
    expect(VECTOR_STORE_IDS).toEqual(['pgvector', 'pinecone']);
  });

  it('builds the default store (pgvector) from configuration', async () => {
    const store = await createVectorStore(loadEnv({}), pool, embedding);
    const tenant = newId('ten');
    await store.upsert(tenant, [{ id: 'a', values: [1, 0, 0, 0], metadata: {} }]);
    expect((await store.query(tenant, { vector: [1, 0, 0, 0], topK: 1 })).map((m) => m.id)).toEqual(['a']);
  });

  it('checks the shape in config and the id against the registry at build', async () => {
    expect(() => loadEnv({ VECTOR_STORE: 'Pine Cone' })).toThrow(ConfigError);
    await expect(createVectorStore(loadEnv({ VECTOR_STORE: 'qdrant' }), pool, embedding)).rejects.toThrow(/VECTOR_STORE=qdrant is not a registered vector store \(pgvector, pinecone\)/);
  });

  it('lets each adapter refuse settings that cannot work, before any call', async () => {
    await expect(createVectorStore(loadEnv({ VECTOR_STORE: 'pinecone' }), pool, embedding)).rejects.toThrow(/needs PINECONE_API_KEY/);
    await expect(createVectorStore(loadEnv({ VECTOR_STORE: 'pinecone', PINECONE_API_KEY: 'k' }), pool, embedding)).rejects.toThrow(ConfigError);
  });
});
