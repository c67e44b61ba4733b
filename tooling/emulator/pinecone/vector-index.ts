/**
 * The emulated index: one dense cosine index of a fixed dimension, split into namespaces.
 * Values are kept as float32, as Pinecone stores them, so a round trip loses the same precision
 * it does against the service. Metadata filters use the platform's reference semantics
 * (`matchesFilter`), so the emulator and every store agree on what a filter means.
 */
import { matchesFilter, type MetadataFilter, type VectorMetadata } from '../../../core/memory/metadata-filter.ts';
import type { WireMetadata, WireSparseValues } from './wire-schemas.ts';

export interface StoredVector {
  id: string;
  values: number[];
  sparseValues?: WireSparseValues;
  metadata?: WireMetadata;
}

interface Entry extends StoredVector {
  norm: number;
}

export interface ScoredVector {
  vector: StoredVector;
  score: number;
}

export interface Page<T> {
  items: T[];
  /** The last id of this page when more follow. */
  lastId: string | undefined;
}

export interface VectorIndex {
  readonly dimension: number;
  upsert(namespace: string, vectors: StoredVector[]): void;
  /** Undefined when the namespace or the record does not exist. */
  get(namespace: string, id: string): StoredVector | undefined;
  query(namespace: string, vector: number[], topK: number, filter: MetadataFilter | undefined): ScoredVector[];
  /** Ids in order, each after `afterId`, keeping those `accept` takes, up to `limit`. */
  scan(namespace: string, limit: number, afterId: string | undefined, accept: (vector: StoredVector) => boolean): Page<StoredVector>;
  deleteIds(namespace: string, ids: string[]): void;
  deleteMatching(namespace: string, filter: MetadataFilter): void;
  deleteNamespace(namespace: string): void;
  /** False when the record does not exist. */
  update(namespace: string, id: string, change: { values?: number[]; sparseValues?: WireSparseValues; setMetadata?: WireMetadata }): boolean;
  hasNamespace(namespace: string): boolean;
  vectorCounts(): Record<string, number>;
  clear(): void;
}

function norm(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}

function toFloat32(values: number[]): number[] {
  return values.map((v) => Math.fround(v));
}

function copy(entry: Entry): StoredVector {
  return {
    id: entry.id,
    values: [...entry.values],
    ...(entry.sparseValues && { sparseValues: { indices: [...entry.sparseValues.indices], values: [...entry.sparseValues.values] } }),
    ...(entry.metadata && { metadata: structuredClone(entry.metadata) }),
  };
}

export function createVectorIndex(dimension: number): VectorIndex {
  const namespaces = new Map<string, Map<string, Entry>>();

  const dropIfEmpty = (namespace: string): void => {
    if (namespaces.get(namespace)?.size === 0) namespaces.delete(namespace);
  };

  return {
    dimension,
    upsert(namespace, vectors) {
      let records = namespaces.get(namespace);
      if (!records) namespaces.set(namespace, (records = new Map()));
      for (const vector of vectors) {
        const values = toFloat32(vector.values);
        records.set(vector.id, {
          id: vector.id,
          values,
          norm: norm(values),
          ...(vector.sparseValues && { sparseValues: structuredClone(vector.sparseValues) }),
          ...(vector.metadata && Object.keys(vector.metadata).length > 0 && { metadata: structuredClone(vector.metadata) }),
        });
      }
    },
    get(namespace, id) {
      const entry = namespaces.get(namespace)?.get(id);
      return entry && copy(entry);
    },
    query(namespace, vector, topK, filter) {
      const records = namespaces.get(namespace);
      if (!records) return [];
      const queryNorm = norm(vector);
      const scored: { entry: Entry; score: number }[] = [];
      for (const entry of records.values()) {
        if (!matchesFilter((entry.metadata ?? {}) as VectorMetadata, filter)) continue;
        let dot = 0;
        for (let i = 0; i < vector.length; i += 1) dot += (vector[i] as number) * (entry.values[i] as number);
        scored.push({ entry, score: Math.fround(dot / (queryNorm * entry.norm)) });
      }
      scored.sort((a, b) => b.score - a.score || (a.entry.id < b.entry.id ? -1 : 1));
      return scored.slice(0, topK).map(({ entry, score }) => ({ vector: copy(entry), score }));
    },
    scan(namespace, limit, afterId, accept) {
      const records = namespaces.get(namespace);
      if (!records) return { items: [], lastId: undefined };
      const ids = [...records.keys()].sort();
      const items: StoredVector[] = [];
      for (const id of ids) {
        if (afterId !== undefined && id <= afterId) continue;
        const entry = records.get(id) as Entry;
        if (!accept(entry)) continue;
        if (items.length === limit) return { items, lastId: items[items.length - 1]?.id };
        items.push(copy(entry));
      }
      return { items, lastId: undefined };
    },
    deleteIds(namespace, ids) {
      const records = namespaces.get(namespace);
      if (!records) return;
      for (const id of ids) records.delete(id);
      dropIfEmpty(namespace);
    },
    deleteMatching(namespace, filter) {
      const records = namespaces.get(namespace);
      if (!records) return;
      for (const [id, entry] of records) {
        if (matchesFilter((entry.metadata ?? {}) as VectorMetadata, filter)) records.delete(id);
      }
      dropIfEmpty(namespace);
    },
    deleteNamespace(namespace) {
      namespaces.delete(namespace);
    },
    update(namespace, id, change) {
      const entry = namespaces.get(namespace)?.get(id);
      if (!entry) return false;
      if (change.values) {
        entry.values = toFloat32(change.values);
        entry.norm = norm(entry.values);
      }
      if (change.sparseValues) entry.sparseValues = structuredClone(change.sparseValues);
      if (change.setMetadata) entry.metadata = { ...entry.metadata, ...structuredClone(change.setMetadata) };
      return true;
    },
    hasNamespace: (namespace) => namespaces.has(namespace),
    vectorCounts: () => Object.fromEntries([...namespaces].map(([name, records]) => [name, records.size])),
    clear() {
      namespaces.clear();
    },
  };
}
