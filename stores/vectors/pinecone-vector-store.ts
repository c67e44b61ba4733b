/**
 * The VectorStore over Pinecone, through the official SDK (`@pinecone-database/pinecone`).
 * One Pinecone index (dense, cosine, the store's dimension) holds every tenant; each tenant is a
 * Pinecone namespace, so no call can see another tenant's vectors. Works the same against the
 * service and against the local emulator (tooling/emulator/pinecone). The wire mapping is in
 * pinecone-wire.ts, the error translation in pinecone-errors.ts.
 */
import { Pinecone, type Index } from '@pinecone-database/pinecone';
import { createCallTracer, translatePineconeError, type CallTrace } from './pinecone-errors.ts';
import { chunks, NAMESPACE_PREFIX, PINECONE_LIMITS, pineconeNamespace, toMetadata, toPineconeFilter, toWireRecords, upsertBatches } from './pinecone-wire.ts';
import { ConfigError } from '../../platform/config.ts';
import { checkDimension, type VectorMatch, type VectorQuery, type VectorStore } from './vector-store.ts';
import type { VectorStoreAdapter } from './vector-store-adapter.ts';

export { PineconeStoreError } from './pinecone-errors.ts';
export { PINECONE_LIMITS, pineconeNamespace } from './pinecone-wire.ts';

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

export function createPineconeVectorStore(options: PineconeVectorStoreOptions): PineconeVectorStore {
  if ((options.indexHost === undefined) === (options.indexName === undefined)) {
    throw new Error('createPineconeVectorStore needs exactly one of indexHost or indexName');
  }
  if (!Number.isInteger(options.dimension) || options.dimension < 1) throw new RangeError(`dimension must be a positive integer (got ${options.dimension})`);
  const prefix = options.namespacePrefix ?? '';
  if (prefix !== '' && !NAMESPACE_PREFIX.test(prefix)) throw new RangeError('namespacePrefix is a letter or digit, then up to 63 letters, digits, "_" or "-"');

  const tracer = createCallTracer(options.fetchApi ?? globalThis.fetch);

  const client = new Pinecone({
    apiKey: options.apiKey,
    ...(options.controllerHostUrl !== undefined && { controllerHostUrl: options.controllerHostUrl }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    fetchApi: tracer.fetch,
  });
  const index: Index = options.indexHost !== undefined ? client.index({ host: options.indexHost }) : client.index({ name: options.indexName as string });

  const store = { dimension: options.dimension, model: options.model };
  const namespaceFor = (namespace: string): string => pineconeNamespace(namespace, prefix);

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const trace: CallTrace = { attempts: 0, lastFailure: undefined };
    try {
      return await tracer.run(trace, run);
    } catch (error) {
      throw translatePineconeError(error, operation, trace, options.model);
    }
  }

  /**
   * Deleting in a namespace the index has never held is a 404 on serverless; for us it is a
   * no-op. Only the delete route's 404 counts: an unknown index name must still fail.
   */
  async function deleteIgnoringMissing(run: () => Promise<void>): Promise<void> {
    const trace: CallTrace = { attempts: 0, lastFailure: undefined };
    try {
      await tracer.run(trace, run);
    } catch (error) {
      if (trace.lastFailure?.status === 404 && trace.lastFailure.url.split('?')[0]?.endsWith('/vectors/delete')) return;
      throw translatePineconeError(error, 'delete', trace, options.model);
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

/** Pinecone (the service, or tooling/emulator/pinecone): one index, a namespace per tenant. */
export const pineconeVectorStore: VectorStoreAdapter<'pinecone'> = {
  id: 'pinecone',
  label: 'Pinecone',
  variables: ['PINECONE_API_KEY', 'PINECONE_INDEX_HOST', 'PINECONE_INDEX', 'PINECONE_CONTROLLER_HOST', 'PINECONE_NAMESPACE_PREFIX', 'PINECONE_MAX_RETRIES'],
  async create({ env, embedding }) {
    if (!env.PINECONE_API_KEY) throw new ConfigError('VECTOR_STORE=pinecone needs PINECONE_API_KEY');
    if (!env.PINECONE_INDEX_HOST && !env.PINECONE_INDEX) throw new ConfigError('VECTOR_STORE=pinecone needs PINECONE_INDEX_HOST or PINECONE_INDEX');
    const store = createPineconeVectorStore({
      apiKey: env.PINECONE_API_KEY,
      ...(env.PINECONE_INDEX_HOST ? { indexHost: env.PINECONE_INDEX_HOST } : { indexName: env.PINECONE_INDEX! }),
      ...(env.PINECONE_CONTROLLER_HOST && { controllerHostUrl: env.PINECONE_CONTROLLER_HOST }),
      ...(env.PINECONE_NAMESPACE_PREFIX && { namespacePrefix: env.PINECONE_NAMESPACE_PREFIX }),
      model: embedding.model,
      dimension: embedding.dimension,
      maxRetries: env.PINECONE_MAX_RETRIES,
    });
    // An index of another dimension is a configuration error: say so at start, not per request.
    await store.checkIndex();
    return store;
  },
};
