import type { MetadataFilter, VectorMetadata } from '../../core/memory/metadata-filter.ts';

export interface VectorRecord {
  id: string;
  values: number[];
  metadata: VectorMetadata;
}

export interface VectorQuery {
  vector: number[];
  topK: number;
  filter?: MetadataFilter;
  includeValues?: boolean;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity, 1 = same direction. */
  score: number;
  metadata: VectorMetadata;
  values?: number[];
}

/**
 * One interface over pgvector and Pinecone. Every call names a namespace — the tenant — and no
 * call ever sees another namespace's vectors. A store holds vectors of one embedding model and
 * dimension, and refuses others (VectorDimensionError).
 */
export interface VectorStore {
  readonly kind: 'pgvector' | 'pinecone';
  /** The embedding model whose vectors this store holds, e.g. `local/all-MiniLM-L6-v2`. */
  readonly model: string;
  readonly dimension: number;
  upsert(namespace: string, records: VectorRecord[]): Promise<void>;
  query(namespace: string, query: VectorQuery): Promise<VectorMatch[]>;
  delete(namespace: string, selector: { ids: string[] } | { filter: MetadataFilter }): Promise<void>;
  count(namespace: string, filter?: MetadataFilter): Promise<number>;
}

export class VectorDimensionError extends Error {
  override readonly name = 'VectorDimensionError';
  constructor(
    readonly expected: number,
    readonly actual: number,
    readonly model: string,
  ) {
    super(`a vector of dimension ${actual} does not fit this store: it holds ${model} vectors of dimension ${expected}`);
  }
}

/** Every store checks before it writes or searches. */
export function checkDimension(store: Pick<VectorStore, 'dimension' | 'model'>, vectors: Iterable<number[]>): void {
  for (const v of vectors) {
    if (v.length !== store.dimension) throw new VectorDimensionError(store.dimension, v.length, store.model);
  }
}
