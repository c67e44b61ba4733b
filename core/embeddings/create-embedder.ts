/**
 * The configured embedder: EMBEDDING_MODEL=`<embedder>/<model>` names an adapter of
 * embedder-registry.ts (the in-process local model, the default; OpenAI or any OpenAI-compatible
 * server) and the model it serves. platform/config.ts checks only the shape, so the prefix is
 * checked against the registry here, when the process builds its services.
 */
import { ConfigError, type Env } from '../../platform/config.ts';
import { createVariableReader, type RawVars } from '../../platform/variable-reader.ts';
import type { EmbeddingCacheStore } from '../../stores/embedding-cache.ts';
import { createCachedEmbedder } from './cached-embedder.ts';
import type { Embedder } from './embedder.ts';
import { EMBEDDER_IDS, embedderAdapter } from './embedder-registry.ts';

export { EmbeddingDimensionError } from './embedder.ts';
export { localModelDir } from './local-minilm-embedder.ts';

export interface EmbedderDependencies {
  /** When given, the embedder answers repeated texts from this cache (createCachedEmbedder). */
  cache?: EmbeddingCacheStore;
  /** The raw environment, for an adapter's own undeclared variables; process.env by default. */
  vars?: RawVars;
}

export function createEmbedder(env: Env, dependencies: EmbedderDependencies = {}): Embedder {
  const slash = env.EMBEDDING_MODEL.indexOf('/');
  const id = env.EMBEDDING_MODEL.slice(0, slash);
  const adapter = embedderAdapter(id);
  if (!adapter) throw new ConfigError(`EMBEDDING_MODEL=${env.EMBEDDING_MODEL}: ${id} is not a registered embedder (${EMBEDDER_IDS.map((known) => `${known}/<model>`).join(', ')})`);
  const embedder = adapter.create(env.EMBEDDING_MODEL.slice(slash + 1), { env, read: createVariableReader(env, dependencies.vars) });
  return dependencies.cache ? createCachedEmbedder(embedder, dependencies.cache) : embedder;
}
