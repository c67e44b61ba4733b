import type { Env } from '../platform/config.ts';
import { createOutboundClient, type OutboundClient } from '../platform/outbound/outbound-client.ts';
import { outboundPolicyFrom } from '../platform/outbound/outbound-policy.ts';
import { createEmbeddingCacheStore } from '../stores/embedding-cache.ts';
import type { Pool } from '../platform/db/pool.ts';
import { createVectorStore } from '../stores/vectors/create-vector-store.ts';
import type { VectorStore } from '../stores/vectors/vector-store.ts';
import { createEmbedder } from '../core/embeddings/create-embedder.ts';
import type { Embedder } from '../core/embeddings/embedder.ts';

export interface Memory {
  embedder: Embedder;
  vectors: VectorStore;
  /** How ingestion fetches URLs: through the outbound request policy (OUTBOUND_* settings). */
  outbound: OutboundClient;
}

/**
 * The process's embedder (cached by content hash) and vector store, from configuration. The
 * local model loads on first use, so a process that never embeds never pays for it.
 */
export async function createMemoryFromEnv(env: Env, pool: Pool): Promise<Memory> {
  const embedder = createEmbedder(env, { cache: createEmbeddingCacheStore(pool) });
  const vectors = await createVectorStore(env, pool, { model: embedder.id, dimension: embedder.dimension });
  return { embedder, vectors, outbound: createOutboundClient(outboundPolicyFrom(env)) };
}
