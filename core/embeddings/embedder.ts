/**
 * The one contract every embedding model implements, local or remote. Memory/RAG code embeds
 * through it and never knows which model answered; what it must know — the model and the
 * dimension — travels with every vector.
 *
 * Vectors are Float32Array: what the models compute (the local ONNX model, and OpenAI's own
 * base64 wire format), what pgvector stores (float4), and half the memory of number[]. A vector
 * read back from the cache is therefore bit-identical to a freshly computed one. Not JSON-safe as
 * is: convert with `Array.from` where a vector crosses a JSON boundary (an activity result, an API
 * response).
 */

export type EmbeddingVector = Float32Array;

export interface EmbedOptions {
  /** Stops between batches (and aborts a remote call) when the activity is cancelled. */
  signal?: AbortSignal;
}

export interface Embedder {
  /**
   * `<provider>/<model>`, e.g. `local/all-MiniLM-L6-v2`, `openai/text-embedding-3-small`. Recorded
   * with every stored vector: vectors of two models are never comparable, even at one dimension.
   */
  readonly id: string;
  /** Length of every vector `embed` returns. */
  readonly dimension: number;
  /** Tokens of one text the model reads; beyond it the local model truncates, remote ones refuse. */
  readonly maxInputTokens: number;
  /**
   * True when the vectors come from the provider emulator (no API key set): they are stand-ins,
   * never to be mixed with or cached as real ones.
   */
  readonly simulated: boolean;
  /** One vector per text, in input order. An empty list returns an empty list without a call. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<EmbeddingVector[]>;
  /**
   * The model's own tokenizer, when the embedder has it (the local model): chunkers count with
   * it, so no chunk is longer than the model reads. Absent for remote models.
   */
  tokenCounter?(): Promise<TokenCounter>;
}

/** Counts tokens exactly as an embedding model reads a text. */
export interface TokenCounter {
  /** Tokens of `text` as the model reads it, its special tokens ([CLS], [SEP]) included. */
  count(text: string): number;
  /** Positions the model has: the most tokens it reads of one text, special tokens included. */
  window: number;
}

/** Vectors with the model and dimension they belong to, as they are handed to a store. */
export interface EmbeddingResult {
  model: string;
  dimension: number;
  vectors: EmbeddingVector[];
}

/** Embeds and labels the vectors with their model and dimension, checking every length. */
export async function embedWithModel(embedder: Embedder, texts: readonly string[], options?: EmbedOptions): Promise<EmbeddingResult> {
  const vectors = await embedder.embed(texts, options);
  for (const vector of vectors) assertDimension(vector.length, embedder.dimension, `embedder ${embedder.id}`);
  return { model: embedder.id, dimension: embedder.dimension, vectors };
}

/**
 * A vector whose length is not the one its destination holds. Stores throw it rather than let
 * pgvector fail later with a less helpful message (or, in an unconstrained column, silently mix
 * dimensions); an embedder throws it when a server returns vectors of another size than
 * configured.
 */
export class EmbeddingDimensionError extends Error {
  override readonly name = 'EmbeddingDimensionError';

  constructor(
    readonly actual: number,
    readonly expected: number,
    /** What holds vectors of `expected` length: `a collection` unless named. */
    target = 'a collection',
  ) {
    super(`vector of dimension ${actual} for ${target} of dimension ${expected}`);
  }
}

export function assertDimension(actual: number, expected: number, target?: string): void {
  if (actual !== expected) throw new EmbeddingDimensionError(actual, expected, target);
}
