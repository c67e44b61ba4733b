/**
 * How our vector records, filters and namespaces map onto Pinecone's wire: its limits, its
 * namespace alphabet, the records and batches an upsert sends, the metadata a query brings back.
 * Pure mapping and checks, no I/O: the store (pinecone-vector-store.ts) makes the calls.
 */
import type { RecordMetadata } from '@pinecone-database/pinecone';
import type { MetadataFilter, VectorMetadata } from '../../core/memory/metadata-filter.ts';
import { checkDimension, type VectorRecord, type VectorStore } from './vector-store.ts';

/** Pinecone's operation limits (docs: "Database limits"). */
export const PINECONE_LIMITS = {
  upsertRecords: 1000,
  /** The service says 2 MB; counted in decimal bytes to stay clear of it either way. */
  upsertBytes: 2_000_000,
  metadataBytes: 40 * 1024,
  deleteIds: 1000,
  topK: 10_000,
  idLength: 512,
  /** fetch_by_metadata answers are capped at 4 MB; pages are sized to stay well under. */
  fetchResponseBytes: 3_000_000,
  fetchByMetadataLimit: 1000,
} as const;

export const NAMESPACE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_NAMESPACE_LENGTH = 500;

/**
 * Our namespace names map one to one onto conservative Pinecone namespaces: letters, digits and
 * `_` pass through; every other UTF-8 byte (`-` included) becomes `-` and two hex digits. A leading
 * `_` is escaped too, so nothing can reach Pinecone's reserved `__default__`.
 */
export function pineconeNamespace(name: string, prefix = ''): string {
  if (name === '') throw new RangeError('a vector namespace cannot be empty');
  let encoded = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    const plain = /[A-Za-z0-9]/.test(char) || (char === '_' && encoded !== '');
    encoded += plain ? char : `-${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  const namespace = `${prefix}${encoded}`;
  if (namespace.length > MAX_NAMESPACE_LENGTH) throw new RangeError(`the namespace ${JSON.stringify(name)} is too long for Pinecone`);
  return namespace;
}

/** Metadata as the platform types it; anything else Pinecone holds (written by other tools) is left out. */
export function toMetadata(raw: RecordMetadata | undefined): VectorMetadata {
  const metadata: VectorMetadata = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') metadata[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) metadata[key] = [...value];
  }
  return metadata;
}

/** Drops `undefined` members the way the wire does; `{}` (match everything) becomes undefined. */
export function toPineconeFilter(filter: MetadataFilter | undefined): object | undefined {
  if (filter === undefined) return undefined;
  const plain = JSON.parse(JSON.stringify(filter)) as Record<string, unknown>;
  return Object.keys(plain).length === 0 ? undefined : plain;
}

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

export interface WireRecord {
  id: string;
  values: number[];
  metadata?: RecordMetadata;
}

/** Every record is checked before the first request, so a bad one never leaves a half-written batch. */
export function toWireRecords(records: VectorRecord[], store: Pick<VectorStore, 'dimension' | 'model'>): WireRecord[] {
  checkDimension(store, records.map((record) => record.values));
  return records.map((record) => {
    if (record.id === '' || record.id.length > PINECONE_LIMITS.idLength) {
      throw new RangeError(`vector ids are 1 to ${PINECONE_LIMITS.idLength} characters for Pinecone (got ${record.id.length})`);
    }
    if (!record.values.every(Number.isFinite)) throw new RangeError(`vector ${record.id} has a value that is not a finite number`);
    if (record.values.every((v) => v === 0)) throw new RangeError(`vector ${record.id} is all zeros: Pinecone refuses it (cosine similarity is undefined)`);
    const wire: WireRecord = { id: record.id, values: record.values };
    if (Object.keys(record.metadata).length > 0) {
      const size = byteLength(record.metadata);
      if (size > PINECONE_LIMITS.metadataBytes) {
        throw new RangeError(`vector ${record.id} has ${size} bytes of metadata; Pinecone takes at most ${PINECONE_LIMITS.metadataBytes}`);
      }
      wire.metadata = record.metadata;
    }
    return wire;
  });
}

/** Batches of at most 1000 records and about 2 MB of JSON each, in order. */
export function upsertBatches(records: WireRecord[], namespace: string): WireRecord[][] {
  const budget = PINECONE_LIMITS.upsertBytes - byteLength({ vectors: [], namespace }) - 64;
  const batches: WireRecord[][] = [];
  let batch: WireRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = byteLength(record) + 1;
    if (batch.length > 0 && (batch.length === PINECONE_LIMITS.upsertRecords || bytes + size > budget)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
