/**
 * The VectorStore over Pinecone, through the official SDK (`@pinecone-database/pinecone`).
 * One Pinecone index (dense, cosine, the store's dimension) holds every tenant; each tenant is a
 * Pinecone namespace, so no call can see another tenant's vectors. Works the same against the
 * service and against the local emulator (emulator/pinecone).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Pinecone, type Index, type RecordMetadata } from '@pinecone-database/pinecone';
import type { MetadataFilter, VectorMetadata } from '../../core/memory/metadata-filter.ts';
import { checkDimension, VectorDimensionError, type VectorMatch, type VectorQuery, type VectorRecord, type VectorStore } from './vector-store.ts';

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

export interface PineconeVectorStoreOptions {
  apiKey: string;
  /** The index's data-plane URL (`https://<index>-<project>.svc.<region>.pinecone.io`, or the emulator's `http://` URL). */
  indexHost?: string;
  /** Instead of `indexHost`: the index name, resolved once through the control plane. */
  indexName?: string;
  /** The control plane (default `https://api.pinecone.io`); only used with `indexName`. */
  controllerHostUrl?: string;
  /** The embedding model whose vectors the index holds. */
  model: string;
  dimension: number;
  /** SDK retries after the first attempt, on 5xx answers only (the SDK's default is 3). */
  maxRetries?: number;
  /** Put before every namespace, so several deployments can share one index (`staging-`). */
  namespacePrefix?: string;
  /** A fetch to send requests through (proxies, tests); the global fetch otherwise. */
  fetchApi?: typeof fetch;
}

export interface PineconeVectorStore extends VectorStore {
  readonly kind: 'pinecone';
  /** The Pinecone namespace a tenant's vectors live in. */
  namespaceFor(namespace: string): string;
  /** Asks the index for its dimension and throws when it is not the store's. */
  checkIndex(): Promise<void>;
}

/**
 * A Pinecone call that failed, with what a retry policy needs: the HTTP status when there was
 * one, and whether trying again can help (429, 5xx, a dropped connection).
 */
export class PineconeStoreError extends Error {
  override readonly name = 'PineconeStoreError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NAMESPACE_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
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
function toMetadata(raw: RecordMetadata | undefined): VectorMetadata {
  const metadata: VectorMetadata = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') metadata[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) metadata[key] = [...value];
  }
  return metadata;
}

/** Drops `undefined` members the way the wire does; `{}` (match everything) becomes undefined. */
function toPineconeFilter(filter: MetadataFilter | undefined): object | undefined {
  if (filter === undefined) return undefined;
  const plain = JSON.parse(JSON.stringify(filter)) as Record<string, unknown>;
  return Object.keys(plain).length === 0 ? undefined : plain;
}

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

interface WireRecord {
  id: string;
  values: number[];
  metadata?: RecordMetadata;
}

/** Every record is checked before the first request, so a bad one never leaves a half-written batch. */
function toWireRecords(records: VectorRecord[], store: Pick<VectorStore, 'dimension' | 'model'>): WireRecord[] {
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
function upsertBatches(records: WireRecord[], namespace: string): WireRecord[][] {
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

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What the last non-2xx answer of a call said: the SDK's retry error drops it. */
interface CallTrace {
  attempts: number;
  lastFailure: { status: number; body: string; url: string } | undefined;
}

const DIMENSION_MESSAGE = /dimension (\d+) does not match the dimension of the index (\d+)/i;

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function bodyMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the body is the message
  }
  return body.slice(0, 500);
}

export function createPineconeVectorStore(options: PineconeVectorStoreOptions): PineconeVectorStore {
  if ((options.indexHost === undefined) === (options.indexName === undefined)) {
    throw new Error('createPineconeVectorStore needs exactly one of indexHost or indexName');
  }
  if (!Number.isInteger(options.dimension) || options.dimension < 1) throw new RangeError(`dimension must be a positive integer (got ${options.dimension})`);
  const prefix = options.namespacePrefix ?? '';
  if (prefix !== '' && !NAMESPACE_PREFIX.test(prefix)) throw new RangeError('namespacePrefix is a letter or digit, then up to 63 letters, digits, "_" or "-"');

  const traces = new AsyncLocalStorage<CallTrace>();
  const baseFetch = options.fetchApi ?? globalThis.fetch;
  const tracingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    const trace = traces.getStore();
    if (trace) {
      trace.attempts += 1;
      if (!response.ok) trace.lastFailure = { status: response.status, body: await response.clone().text(), url: response.url || requestUrl(input) };
    }
    return response;
  };

  const client = new Pinecone({
    apiKey: options.apiKey,
    ...(options.controllerHostUrl !== undefined && { controllerHostUrl: options.controllerHostUrl }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    fetchApi: tracingFetch,
  });
  const index: Index = options.indexHost !== undefined ? client.index({ host: options.indexHost }) : client.index({ name: options.indexName as string });

  const store = { dimension: options.dimension, model: options.model };
  const namespaceFor = (namespace: string): string => pineconeNamespace(namespace, prefix);

  /** Turns what the SDK throws into VectorDimensionError or PineconeStoreError. */
  function translate(error: unknown, operation: string, trace: CallTrace): Error {
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    const failure = trace.lastFailure;
    const status = failure?.status;
    const said = failure ? bodyMessage(failure.body) : message;
    const dimension = DIMENSION_MESSAGE.exec(said);
    if (dimension) return new VectorDimensionError(Number(dimension[2]), Number(dimension[1]), options.model);
    switch (name) {
      case 'PineconeBadRequestError':
        return new PineconeStoreError(`Pinecone refused the ${operation} (${status ?? 400}): ${said}`, status ?? 400, false, { cause: error });
      case 'PineconeAuthorizationError':
        return new PineconeStoreError(`Pinecone rejected the API key (401) on ${operation}; check PINECONE_API_KEY`, 401, false, { cause: error });
      case 'PineconeNotFoundError':
        return new PineconeStoreError(`Pinecone answered 404 to ${operation}: ${said}`, 404, false, { cause: error });
      case 'PineconeMaxRetriesExceededError':
        return new PineconeStoreError(
          `Pinecone failed the ${operation} on all ${trace.attempts} attempts${failure ? `, last with ${failure.status}: ${said}` : ''}`,
          status,
          true,
          { cause: error },
        );
      case 'PineconeConnectionError':
        return new PineconeStoreError(`could not reach Pinecone for ${operation}: ${message}`, undefined, true, { cause: error });
      default: {
        if (status !== undefined) {
          const retryable = status === 429 || status >= 500;
          return new PineconeStoreError(`Pinecone answered ${status} to ${operation}: ${said}`, status, retryable, { cause: error });
        }
        return error instanceof Error ? error : new Error(message);
      }
    }
  }

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const trace: CallTrace = { attempts: 0, lastFailure: undefined };
    try {
      return await traces.run(trace, run);
    } catch (error) {
      throw translate(error, operation, trace);
    }
  }

  /**
   * Deleting in a namespace the index has never held is a 404 on serverless; for us it is a
   * no-op. Only the delete route's 404 counts: an unknown index name must still fail.
   */
  async function deleteIgnoringMissing(run: () => Promise<void>): Promise<void> {
    const trace: CallTrace = { attempts: 0, lastFailure: undefined };
    try {
      await traces.run(trace, run);
    } catch (error) {
      if (trace.lastFailure?.status === 404 && trace.lastFailure.url.split('?')[0]?.endsWith('/vectors/delete')) return;
      throw translate(error, 'delete', trace);
    }
  }

  return {
    kind: 'pinecone',
    model: options.model,
    dimension: options.dimension,
    namespaceFor,

    async checkIndex() {
      const stats = await call('describe index stats', () => index.describeIndexStats());
      if (stats.dimension !== undefined && stats.dimension !== options.dimension) {
        throw new Error(`the Pinecone index has dimension ${stats.dimension}, but this store holds ${options.model} vectors of dimension ${options.dimension}`);
      }
    },

    async upsert(namespace, records) {
      const wire = toWireRecords(records, store);
      const target = namespaceFor(namespace);
      for (const batch of upsertBatches(wire, target)) {
        await call('upsert', () => index.upsert({ records: batch, namespace: target }));
      }
    },

    async query(namespace, request: VectorQuery): Promise<VectorMatch[]> {
      checkDimension(store, [request.vector]);
      if (!Number.isInteger(request.topK) || request.topK < 0 || request.topK > PINECONE_LIMITS.topK) {
        throw new RangeError(`topK must be an integer from 0 to ${PINECONE_LIMITS.topK} for Pinecone (got ${request.topK})`);
      }
      if (request.topK === 0) return [];
      const filter = toPineconeFilter(request.filter);
      const includeValues = request.includeValues ?? false;
      const result = await call('query', () =>
        index.query({
          vector: request.vector,
          topK: request.topK,
          namespace: namespaceFor(namespace),
          includeMetadata: true,
          includeValues,
          ...(filter && { filter }),
        }),
      );
      return result.matches.map((match) => ({
        id: match.id,
        score: match.score ?? 0,
        metadata: toMetadata(match.metadata),
        ...(includeValues && { values: match.values }),
      }));
    },

    async delete(namespace, selector) {
      const target = namespaceFor(namespace);
      if ('ids' in selector) {
        for (const ids of chunks([...new Set(selector.ids)], PINECONE_LIMITS.deleteIds)) {
          await deleteIgnoringMissing(() => index.deleteMany({ ids, namespace: target }));
        }
        return;
      }
      const filter = toPineconeFilter(selector.filter);
      // An empty filter matches every record, as in matchesFilter.
      if (!filter) return deleteIgnoringMissing(() => index.deleteAll({ namespace: target }));
      return deleteIgnoringMissing(() => index.deleteMany({ filter, namespace: target }));
    },

    async count(namespace, filter) {
      const target = namespaceFor(namespace);
      const pineconeFilter = toPineconeFilter(filter);
      if (!pineconeFilter) {
        const stats = await call('describe index stats', () => index.describeIndexStats());
        return stats.namespaces?.[target]?.recordCount ?? 0;
      }
      // Serverless indexes refuse a filter in describe_index_stats: page through the matches
      // instead (fetch_by_metadata), sized so an answer stays under the 4 MB response cap.
      const perRecord = options.dimension * 12 + 4096;
      const limit = Math.max(1, Math.min(PINECONE_LIMITS.fetchByMetadataLimit, Math.floor(PINECONE_LIMITS.fetchResponseBytes / perRecord)));
      let total = 0;
      let paginationToken: string | undefined;
      do {
        const page = await call('count', () =>
          index.fetchByMetadata({ filter: pineconeFilter, limit, namespace: target, ...(paginationToken !== undefined && { paginationToken }) }),
        );
        total += Object.keys(page.records).length;
        paginationToken = page.pagination?.next;
      } while (paginationToken);
      return total;
    },
  };
}
