/**
 * Wraps any Embedder with the content-hash cache, so the same text is never embedded twice by
 * the same model: one query looks up every text of a call, only the misses reach the model
 * (each distinct text once, however often it repeats in the call), and they are written back
 * before the vectors are returned, in input order.
 *
 * Misses are embedded and stored in groups: a long ingestion that fails half-way (a 429, a
 * cancelled activity) keeps what it already paid for, and the retry starts where it stopped.
 */
import { createHash } from 'node:crypto';
import type { EmbeddingCacheStore } from '../../stores/embedding-cache.ts';
import { assertDimension, type EmbedOptions, type Embedder, type EmbeddingVector } from './embedder.ts';

export interface CachedEmbedderOptions {
  /** Distinct missing texts embedded and written per group (the inner embedder batches within it). */
  groupSize?: number;
}

const DEFAULT_GROUP_SIZE = 256;

export function textSha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The cache's model key. Vectors from the provider emulator are kept apart from real ones of the
 * same model name, so setting an API key later never serves a stand-in vector.
 */
export function cacheModelKey(embedder: Embedder): string {
  return embedder.simulated ? `${embedder.id}#simulated` : embedder.id;
}

export function createCachedEmbedder(inner: Embedder, cache: EmbeddingCacheStore, options: CachedEmbedderOptions = {}): Embedder {
  const groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
  const model = cacheModelKey(inner);

  return {
    id: inner.id,
    dimension: inner.dimension,
    maxInputTokens: inner.maxInputTokens,
    simulated: inner.simulated,
    ...(inner.tokenCounter && { tokenCounter: () => inner.tokenCounter!() }),

    async embed(texts: readonly string[], embedOptions?: EmbedOptions): Promise<EmbeddingVector[]> {
      if (texts.length === 0) return [];
      embedOptions?.signal?.throwIfAborted();
      const keys = texts.map((text) => textSha256(text));
      const hexKeys = keys.map((key) => key.toString('hex'));

      // The first position of each distinct text; duplicates share its vector.
      const firstIndex = new Map<string, number>();
      hexKeys.forEach((hex, index) => {
        if (!firstIndex.has(hex)) firstIndex.set(hex, index);
      });
      const distinct = [...firstIndex.values()];
      const vectors = await cache.getMany(model, inner.dimension, distinct.map((index) => keys[index]!));
      const misses = distinct.filter((index) => !vectors.has(hexKeys[index]!));

      for (let start = 0; start < misses.length; start += groupSize) {
        const group = misses.slice(start, start + groupSize);
        const embedded = await inner.embed(group.map((index) => texts[index]!), embedOptions);
        if (embedded.length !== group.length) throw new Error(`${inner.id} returned ${embedded.length} vectors for ${group.length} texts`);
        embedded.forEach((vector) => assertDimension(vector.length, inner.dimension, `embedder ${inner.id}`));
        await cache.putMany(model, inner.dimension, group.map((index, i) => ({ textSha256: keys[index]!, vector: embedded[i]! })));
        group.forEach((index, i) => vectors.set(hexKeys[index]!, embedded[i]!));
      }
      return hexKeys.map((hex) => vectors.get(hex)!);
    },
  };
}
