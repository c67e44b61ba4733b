/**
 * The embedding cache in Postgres: (model, dimension, sha256 of the text) → vector, in a pgvector
 * column. Lookups and writes are one statement each, whatever the number of texts; writes never
 * overwrite (a vector for a key is a pure function of the key), so concurrent writers of the same
 * text are harmless.
 */
import { EmbeddingDimensionError, type EmbeddingVector } from '../core/embeddings/embedder.ts';
import type { Pool } from '../platform/db/pool.ts';

export interface EmbeddingCacheEntry {
  /** sha256 of the text's UTF-8 bytes (32 bytes). */
  textSha256: Buffer;
  vector: EmbeddingVector;
}

export interface EmbeddingCacheStore {
  /** The cached vectors among `hashes`, keyed by the hash in hex. */
  getMany(model: string, dimension: number, hashes: readonly Buffer[]): Promise<Map<string, EmbeddingVector>>;
  /** Stores vectors not cached yet; existing entries are kept as they are. */
  putMany(model: string, dimension: number, entries: readonly EmbeddingCacheEntry[]): Promise<void>;
}

/**
 * pgvector's text form. Nine significant digits identify a float32 exactly, so the value read
 * back is the one written.
 */
export function toVectorLiteral(vector: EmbeddingVector): string {
  let text = '[';
  for (let i = 0; i < vector.length; i++) text += (i === 0 ? '' : ',') + vector[i]!.toPrecision(9);
  return `${text}]`;
}

/** pgvector prints `[0.1,-2e-05,...]`, which is valid JSON. */
export function fromVectorLiteral(text: string): EmbeddingVector {
  return Float32Array.from(JSON.parse(text) as number[]);
}

export function createEmbeddingCacheStore(pool: Pool): EmbeddingCacheStore {
  return {
    async getMany(model, dimension, hashes) {
      const found = new Map<string, EmbeddingVector>();
      if (hashes.length === 0) return found;
      const { rows } = await pool.query<{ text_sha256: Buffer; embedding: string }>(
        `SELECT text_sha256, embedding::text AS embedding FROM embedding_cache
          WHERE model = $1 AND dimension = $2 AND text_sha256 = ANY($3::bytea[])`,
        [model, dimension, hashes],
      );
      for (const row of rows) found.set(row.text_sha256.toString('hex'), fromVectorLiteral(row.embedding));
      return found;
    },

    async putMany(model, dimension, entries) {
      if (entries.length === 0) return;
      for (const entry of entries) {
        if (entry.vector.length !== dimension) throw new EmbeddingDimensionError(entry.vector.length, dimension, `the ${model} embedding cache`);
      }
      await pool.query(
        `INSERT INTO embedding_cache (model, dimension, text_sha256, embedding)
         SELECT $1, $2, hash, vec::vector FROM unnest($3::bytea[], $4::text[]) AS e (hash, vec)
         ON CONFLICT DO NOTHING`,
        [model, dimension, entries.map((e) => e.textSha256), entries.map((e) => toVectorLiteral(e.vector))],
      );
    },
  };
}
