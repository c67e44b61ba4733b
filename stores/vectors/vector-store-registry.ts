/**
 * Every vector store SomaAgent can keep memory vectors in, one adapter each. Adding one is writing
 * its adapter (see vector-store-adapter.ts and docs/docs/memory/vector-stores.md) and listing it
 * here: createVectorStore resolves VECTOR_STORE against this list.
 */
import { pgvectorVectorStore } from './pgvector-vector-store.ts';
import { pineconeVectorStore } from './pinecone-vector-store.ts';

export const VECTOR_STORE_ADAPTERS = [pgvectorVectorStore, pineconeVectorStore] as const;

export type VectorStoreId = (typeof VECTOR_STORE_ADAPTERS)[number]['id'];

export const VECTOR_STORE_IDS = VECTOR_STORE_ADAPTERS.map((adapter) => adapter.id) as [VectorStoreId, ...VectorStoreId[]];

export function vectorStoreAdapter(id: string): (typeof VECTOR_STORE_ADAPTERS)[number] | undefined {
  return VECTOR_STORE_ADAPTERS.find((adapter) => adapter.id === id);
}
