/**
 * The configured embedder (EMBEDDING_MODEL and friends, see common/config.ts). Like the chat
 * providers: OpenAI with a key, the emulator without one (vectors marked simulated), any
 * OpenAI-compatible server by base URL; plus the in-process local model, the default.
 */
import { resolve } from 'node:path';
import { ConfigError, emulatorBaseUrl, type Env } from '../../platform/config.ts';
import type { EmbeddingCacheStore } from '../../stores/embedding-cache.ts';
import { createCachedEmbedder } from './cached-embedder.ts';
import type { Embedder } from './embedder.ts';
import { createLocalMiniLmEmbedder, LOCAL_MINILM_DIMENSION, LOCAL_MINILM_ID } from './local-minilm-embedder.ts';
import { createOpenAIEmbedder } from './openai-embedder.ts';

export { EmbeddingDimensionError } from './embedder.ts';

/** A placeholder the SDK accepts; the emulator ignores it and local servers rarely check it. */
const NO_KEY = 'sk-no-key-needed';

export interface EmbedderDependencies {
  /** When given, the embedder answers repeated texts from this cache (createCachedEmbedder). */
  cache?: EmbeddingCacheStore;
}

/** `${SOMA_STATE_DIR}/models/all-MiniLM-L6-v2`, where scripts/bootstrap.mjs installs the model. */
export function localModelDir(env: Pick<Env, 'SOMA_STATE_DIR'>): string {
  return resolve(env.SOMA_STATE_DIR, 'models', 'all-MiniLM-L6-v2');
}

function createLocalEmbedder(env: Env, name: string): Embedder {
  if (`local/${name}` !== LOCAL_MINILM_ID) {
    throw new ConfigError(`EMBEDDING_MODEL=local/${name} is not a local model the platform ships (${LOCAL_MINILM_ID}); use openai/${name} with EMBEDDING_BASE_URL for a model served elsewhere`);
  }
  if (env.EMBEDDING_DIMENSIONS !== undefined && env.EMBEDDING_DIMENSIONS !== LOCAL_MINILM_DIMENSION) {
    throw new ConfigError(`${LOCAL_MINILM_ID} has a fixed dimension of ${LOCAL_MINILM_DIMENSION} (EMBEDDING_DIMENSIONS=${env.EMBEDDING_DIMENSIONS})`);
  }
  if (env.EMBEDDING_BASE_URL) throw new ConfigError(`EMBEDDING_BASE_URL applies to openai/<model> embedding models, not ${LOCAL_MINILM_ID}`);
  return createLocalMiniLmEmbedder({ modelDir: localModelDir(env), ...(env.EMBEDDING_THREADS !== undefined && { threads: env.EMBEDDING_THREADS }) });
}

function createRemoteEmbedder(env: Env, model: string): Embedder {
  const common = { model, dimensions: env.EMBEDDING_DIMENSIONS, timeoutMs: env.PROVIDER_TIMEOUT_MS };
  if (env.EMBEDDING_BASE_URL) {
    return createOpenAIEmbedder({ ...common, providerId: 'local', apiKey: env.EMBEDDING_API_KEY ?? NO_KEY, baseURL: env.EMBEDDING_BASE_URL });
  }
  if (env.OPENAI_API_KEY) {
    return createOpenAIEmbedder({ ...common, providerId: 'openai', apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL });
  }
  return createOpenAIEmbedder({ ...common, providerId: 'openai', apiKey: NO_KEY, baseURL: `${emulatorBaseUrl(env)}/v1`, simulated: true });
}

export function createEmbedder(env: Env, dependencies: EmbedderDependencies = {}): Embedder {
  const slash = env.EMBEDDING_MODEL.indexOf('/');
  const provider = env.EMBEDDING_MODEL.slice(0, slash);
  const name = env.EMBEDDING_MODEL.slice(slash + 1);
  const embedder = provider === 'local' ? createLocalEmbedder(env, name) : createRemoteEmbedder(env, name);
  return dependencies.cache ? createCachedEmbedder(embedder, dependencies.cache) : embedder;
}
