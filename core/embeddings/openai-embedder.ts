/**
 * Embeddings over the official `openai` SDK (`client.embeddings.create`): OpenAI itself, the
 * provider emulator, or any OpenAI-compatible embedding server (Ollama, vLLM, llama.cpp, TEI) by
 * base URL. Failures become ProviderError exactly as for chat, so the activity's retry policy
 * treats a 429 here like a 429 there.
 */
import OpenAI from 'openai';
import { ConfigError, emulatorBaseUrl } from '../../platform/config.ts';
import { toProviderFailure } from '../providers/classify-provider-error.ts';
import { classifyOpenAIError } from '../providers/openai-provider.ts';
import type { ProviderId } from '../providers/provider.ts';
import type { EmbedderAdapter } from './embedder-adapter.ts';
import { assertDimension, type EmbedOptions, type Embedder, type EmbeddingVector } from './embedder.ts';

interface KnownModel {
  dimension: number;
  /** Whether the API shortens vectors to a requested `dimensions`. */
  shortens: boolean;
}

/** OpenAI's embedding models; any other name is a compatible server's model. */
const OPENAI_MODELS: Readonly<Record<string, KnownModel>> = {
  'text-embedding-3-small': { dimension: 1536, shortens: true },
  'text-embedding-3-large': { dimension: 3072, shortens: true },
  'text-embedding-ada-002': { dimension: 1536, shortens: false },
};
const OPENAI_MAX_INPUT_TOKENS = 8191;
/** A guess for other servers' models, whose context the platform cannot know; override it. */
const OTHER_MAX_INPUT_TOKENS = 512;
/** OpenAI's per-request limits: 2048 inputs, 300k tokens over all inputs. */
const MAX_INPUTS_PER_REQUEST = 2048;
const MAX_TOKENS_PER_REQUEST = 300_000;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface OpenAIEmbedderOptions {
  /** The provider's own model name, e.g. `text-embedding-3-small`, `nomic-embed-text`. */
  model: string;
  apiKey: string;
  /** Defaults to api.openai.com; e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  baseURL?: string | undefined;
  /**
   * For text-embedding-3 models: the shortened size to ask for (sent as `dimensions`). For models
   * the platform does not know: the size the server returns (required, not sent).
   */
  dimensions?: number | undefined;
  /** `openai` for OpenAI and the emulator, `local` for a self-hosted server. */
  providerId?: ProviderId;
  /** Set when the base URL is the provider emulator. */
  simulated?: boolean;
  timeoutMs?: number;
  /**
   * SDK-level retries (honouring Retry-After). 0 by default: inside an activity Temporal owns
   * retries, and the cache keeps what earlier groups embedded.
   */
  maxRetries?: number;
  /** Inputs per request, at most OpenAI's 2048; lower it for servers with smaller limits. */
  maxBatchInputs?: number;
  maxInputTokens?: number;
}

/**
 * Tokens of a text for request sizing only, never for truncation: OpenAI's tokenizer averages
 * about 4 bytes a token on English; 3 keeps requests under the limit for denser text.
 */
function estimatedTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3) + 1;
}

/** Consecutive groups of at most `maxInputs` texts and MAX_TOKENS_PER_REQUEST estimated tokens. */
function requestBatches(texts: readonly string[], maxInputs: number): Array<{ start: number; texts: string[] }> {
  const batches: Array<{ start: number; texts: string[] }> = [];
  let current: { start: number; texts: string[] } | undefined;
  let tokens = 0;
  texts.forEach((text, index) => {
    const cost = estimatedTokens(text);
    if (!current || current.texts.length >= maxInputs || (current.texts.length > 0 && tokens + cost > MAX_TOKENS_PER_REQUEST)) {
      current = { start: index, texts: [] };
      batches.push(current);
      tokens = 0;
    }
    current.texts.push(text);
    tokens += cost;
  });
  return batches;
}

/** `encoding_format: 'base64'` is little-endian float32 bytes; a server that ignores it sends numbers. */
function vectorOf(embedding: unknown): EmbeddingVector {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    // Copied into a fresh buffer: a Float32Array view needs a 4-byte-aligned offset.
    return new Float32Array(Uint8Array.from(bytes).buffer);
  }
  if (Array.isArray(embedding)) return Float32Array.from(embedding as number[]);
  throw new Error('embedding is neither base64 nor a list of numbers');
}

export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const providerId = options.providerId ?? 'openai';
  const known = OPENAI_MODELS[options.model];
  let dimension: number;
  let sentDimensions: number | undefined;
  if (known) {
    dimension = options.dimensions ?? known.dimension;
    if (dimension !== known.dimension) {
      if (!known.shortens) throw new ConfigError(`${options.model} has a fixed dimension of ${known.dimension} (asked for ${dimension})`);
      if (dimension < 1 || dimension > known.dimension) throw new ConfigError(`${options.model} accepts dimensions from 1 to ${known.dimension} (asked for ${dimension})`);
      sentDimensions = dimension;
    }
  } else {
    if (options.dimensions === undefined) {
      throw new ConfigError(`the vector size of ${options.model} is unknown to the platform: set EMBEDDING_DIMENSIONS to what the server returns`);
    }
    dimension = options.dimensions;
  }
  const maxBatchInputs = Math.min(options.maxBatchInputs ?? MAX_INPUTS_PER_REQUEST, MAX_INPUTS_PER_REQUEST);
  // `openai/` names the wire format: a self-hosted model keeps the name it was configured with.
  const id = `openai/${options.model}`;
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 0,
  });

  return {
    id,
    dimension,
    maxInputTokens: options.maxInputTokens ?? (known ? OPENAI_MAX_INPUT_TOKENS : OTHER_MAX_INPUT_TOKENS),
    simulated: options.simulated === true,

    async embed(texts: readonly string[], embedOptions?: EmbedOptions): Promise<EmbeddingVector[]> {
      const signal = embedOptions?.signal;
      const vectors = new Array<EmbeddingVector>(texts.length);
      for (const batch of requestBatches(texts, maxBatchInputs)) {
        signal?.throwIfAborted();
        let response: OpenAI.CreateEmbeddingResponse;
        try {
          response = await client.embeddings.create(
            {
              model: options.model,
              input: batch.texts,
              // Asked for explicitly so the SDK hands the payload over undecoded: vectorOf then
              // takes float32 bytes straight into a Float32Array, or numbers from a server that
              // does not do base64.
              encoding_format: 'base64',
              ...(sentDimensions !== undefined && { dimensions: sentDimensions }),
            },
            { signal },
          );
        } catch (error) {
          throw toProviderFailure(providerId, error, signal, classifyOpenAIError);
        }
        if (response.data.length !== batch.texts.length) {
          throw new Error(`${id} returned ${response.data.length} embeddings for ${batch.texts.length} inputs`);
        }
        const seen = new Set<number>();
        for (const item of response.data) {
          if (!Number.isInteger(item.index) || item.index < 0 || item.index >= batch.texts.length || seen.has(item.index)) {
            throw new Error(`${id} returned an embedding with index ${item.index} for ${batch.texts.length} inputs`);
          }
          seen.add(item.index);
          const vector = vectorOf(item.embedding);
          assertDimension(vector.length, dimension, `embedder ${id}`);
          vectors[batch.start + item.index] = vector;
        }
      }
      return vectors;
    },
  };
}

/** A placeholder the SDK accepts; the emulator ignores it and local servers rarely check it. */
const NO_KEY = 'sk-no-key-needed';

/**
 * `openai/<model>`, like the chat providers: any OpenAI-compatible server by EMBEDDING_BASE_URL
 * (its own key, never OpenAI's), else OpenAI with OPENAI_API_KEY, else the emulator (vectors
 * marked simulated).
 */
export const openaiEmbedder: EmbedderAdapter<'openai'> = {
  id: 'openai',
  label: 'OpenAI (or an OpenAI-compatible server)',
  variables: ['EMBEDDING_BASE_URL', 'EMBEDDING_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'EMBEDDING_DIMENSIONS', 'PROVIDER_TIMEOUT_MS'],
  create(model, { env }) {
    const common = { model, dimensions: env.EMBEDDING_DIMENSIONS, timeoutMs: env.PROVIDER_TIMEOUT_MS };
    if (env.EMBEDDING_BASE_URL) {
      return createOpenAIEmbedder({ ...common, providerId: 'local', apiKey: env.EMBEDDING_API_KEY ?? NO_KEY, baseURL: env.EMBEDDING_BASE_URL });
    }
    if (env.OPENAI_API_KEY) {
      return createOpenAIEmbedder({ ...common, providerId: 'openai', apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL });
    }
    return createOpenAIEmbedder({ ...common, providerId: 'openai', apiKey: NO_KEY, baseURL: `${emulatorBaseUrl(env)}/v1`, simulated: true });
  },
};
