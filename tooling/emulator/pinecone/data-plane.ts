/**
 * The data-plane routes the SDK calls, with the service's validation and limits. Each handler
 * takes the parsed request and returns the JSON answer or throws a PineconeWireError.
 */
import { z } from 'zod';
import { matchesFilter, MetadataFilterSchema, type MetadataFilter, type VectorMetadata } from '../../../core/memory/metadata-filter.ts';
import type { StoredVector, VectorIndex } from './vector-index.ts';
import { badRequest, notFound } from './wire-errors.ts';
import { DeleteRequest, DescribeIndexStatsRequest, FetchByMetadataRequest, LIMITS, QueryRequest, UpdateRequest, UpsertRequest } from './wire-schemas.ts';

/** What the SDK (API version 2025-04 and later) sends for the default namespace. */
export const DEFAULT_NAMESPACE = '__default__';

export interface RouteInput {
  body: unknown;
  /** The request body's size as sent. */
  bodyBytes: number;
  query: URLSearchParams;
}

export interface DataPlaneRoute {
  method: 'GET' | 'POST';
  handle(input: RouteInput, index: VectorIndex): unknown;
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw badRequest(`Invalid request body: ${where}${issue?.message ?? 'malformed'}`);
}

const namespaceOf = (namespace: string | undefined): string => (namespace ? namespace : DEFAULT_NAMESPACE);

function checkDense(values: number[], dimension: number): void {
  if (values.length !== dimension) throw badRequest(`Vector dimension ${values.length} does not match the dimension of the index ${dimension}`);
  if (values.every((v) => v === 0)) throw badRequest('Dense vectors must contain at least one non-zero value.');
}

/** `{}` means no filter, as in the service. */
function checkFilter(filter: Record<string, unknown> | undefined): MetadataFilter | undefined {
  if (filter === undefined || Object.keys(filter).length === 0) return undefined;
  const result = MetadataFilterSchema.safeParse(filter);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badRequest(`Invalid filter: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'malformed'}`);
}

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** Pagination tokens are opaque to clients; here they carry the last id returned. */
const encodeToken = (lastId: string): string => Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');

function decodeToken(token: string | undefined | null): string | undefined {
  if (!token) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // falls through to the error below
  }
  throw badRequest('Invalid pagination token');
}

function checkIds(ids: string[], limit: number, operation: string): void {
  if (ids.length > limit) throw badRequest(`Too many ids in ${operation} request: ${ids.length}; the maximum is ${limit}`);
}

function vectorJson(vector: StoredVector, includeValues: boolean, includeMetadata: boolean) {
  return {
    id: vector.id,
    values: includeValues ? vector.values : [],
    ...(includeValues && vector.sparseValues && { sparseValues: vector.sparseValues }),
    ...(includeMetadata && vector.metadata && { metadata: vector.metadata }),
  };
}

const usage = (readUnits: number) => ({ readUnits: Math.max(1, readUnits) });

function upsert({ body, bodyBytes }: RouteInput, index: VectorIndex) {
  if (bodyBytes > LIMITS.upsertBytes) {
    throw badRequest(`Request size ${bodyBytes} bytes exceeds the maximum supported size of ${LIMITS.upsertBytes} bytes (2MB) for an upsert request`);
  }
  const request = parse(UpsertRequest, body);
  if (request.vectors.length > LIMITS.upsertVectors) {
    throw badRequest(`Upsert batch of ${request.vectors.length} vectors exceeds the maximum batch size of ${LIMITS.upsertVectors}`);
  }
  const vectors: StoredVector[] = request.vectors.map((vector) => {
    if (vector.id.length > LIMITS.idLength) throw badRequest(`Vector ID exceeds the maximum length of ${LIMITS.idLength} characters`);
    if (!vector.values) throw badRequest(`Vector ${vector.id} has no dense values; this index is dense`);
    checkDense(vector.values, index.dimension);
    if (vector.metadata) {
      const size = byteLength(vector.metadata);
      if (size > LIMITS.metadataBytes) {
        throw badRequest(`Metadata size is ${size} bytes, which exceeds the limit of ${LIMITS.metadataBytes} bytes per vector`);
      }
    }
    return { id: vector.id, values: vector.values, ...(vector.sparseValues && { sparseValues: vector.sparseValues }), ...(vector.metadata && { metadata: vector.metadata }) };
  });
  // The whole request is validated before anything is written, as the service does.
  index.upsert(namespaceOf(request.namespace), vectors);
  return { upsertedCount: vectors.length };
}

function query({ body }: RouteInput, index: VectorIndex) {
  const request = parse(QueryRequest, body);
  const namespace = namespaceOf(request.namespace);
  if (request.topK > LIMITS.topK) throw badRequest(`top_k ${request.topK} exceeds the maximum of ${LIMITS.topK}`);
  if (request.sparseVector) throw badRequest('Sparse query vectors are only supported by indexes with the dotproduct metric; this index uses cosine');
  if (request.vector && request.id) throw badRequest('Cannot provide both an ID and a vector to query by');
  const filter = checkFilter(request.filter);
  let vector = request.vector;
  if (vector) checkDense(vector, index.dimension);
  else if (request.id) vector = index.get(namespace, request.id)?.values;
  else throw badRequest('No query provided: send a vector or the ID of a stored vector');
  const matches = vector ? index.query(namespace, vector, request.topK, filter) : [];
  return {
    matches: matches.map(({ vector: match, score }) => ({ ...vectorJson(match, request.includeValues ?? false, request.includeMetadata ?? false), score })),
    namespace: request.namespace ?? '',
    usage: usage(Math.ceil(matches.length / 100)),
  };
}

function fetch({ query: params }: RouteInput, index: VectorIndex) {
  const ids = params.getAll('ids');
  if (ids.length === 0) throw badRequest('No IDs provided for fetch');
  checkIds(ids, LIMITS.fetchIds, 'fetch');
  const namespace = namespaceOf(params.get('namespace') ?? undefined);
  const vectors: Record<string, ReturnType<typeof vectorJson>> = {};
  for (const id of ids) {
    const vector = index.get(namespace, id);
    if (vector) vectors[id] = vectorJson(vector, true, true);
  }
  return { vectors, namespace: params.get('namespace') ?? '', usage: usage(Math.ceil(ids.length / 10)) };
}

function fetchByMetadata({ body }: RouteInput, index: VectorIndex) {
  const request = parse(FetchByMetadataRequest, body);
  const filter = checkFilter(request.filter);
  if (!filter) throw badRequest('A non-empty filter is required to fetch by metadata');
  const limit = request.limit ?? 100;
  if (limit > LIMITS.fetchByMetadataLimit) throw badRequest(`limit ${limit} exceeds the maximum of ${LIMITS.fetchByMetadataLimit}`);
  const page = index.scan(namespaceOf(request.namespace), limit, decodeToken(request.paginationToken), (vector) =>
    matchesFilter((vector.metadata ?? {}) as VectorMetadata, filter),
  );
  return {
    vectors: Object.fromEntries(page.items.map((vector) => [vector.id, vectorJson(vector, true, true)])),
    namespace: request.namespace ?? '',
    ...(page.lastId !== undefined && { pagination: { next: encodeToken(page.lastId) } }),
    usage: usage(Math.ceil(page.items.length / 10)),
  };
}

function deleteVectors({ body }: RouteInput, index: VectorIndex) {
  const request = parse(DeleteRequest, body);
  const namespace = namespaceOf(request.namespace);
  const selectors = [request.ids !== undefined, request.deleteAll === true, request.filter !== undefined].filter(Boolean).length;
  if (selectors !== 1) throw badRequest('Exactly one of ids, deleteAll or filter must be provided');
  if (request.ids) {
    if (request.ids.length === 0) throw badRequest('No IDs provided for delete');
    checkIds(request.ids, LIMITS.deleteIds, 'delete');
  }
  const filter = request.filter && checkFilter(request.filter);
  if (request.filter && !filter) throw badRequest('Delete by filter needs a non-empty filter');
  // Serverless indexes answer 404 for a namespace that does not exist.
  if (!index.hasNamespace(namespace)) throw notFound('Namespace not found');
  if (request.ids) index.deleteIds(namespace, request.ids);
  else if (filter) index.deleteMatching(namespace, filter);
  else index.deleteNamespace(namespace);
  return {};
}

function update({ body }: RouteInput, index: VectorIndex) {
  const request = parse(UpdateRequest, body);
  if (request.values) checkDense(request.values, index.dimension);
  if (request.setMetadata && byteLength(request.setMetadata) > LIMITS.metadataBytes) {
    throw badRequest(`Metadata size exceeds the limit of ${LIMITS.metadataBytes} bytes per vector`);
  }
  const found = index.update(namespaceOf(request.namespace), request.id, {
    ...(request.values && { values: request.values }),
    ...(request.sparseValues && { sparseValues: request.sparseValues }),
    ...(request.setMetadata && { setMetadata: request.setMetadata }),
  });
  if (!found) throw notFound(`Vector ID ${request.id} not found`);
  return {};
}

function describeIndexStats({ body }: RouteInput, index: VectorIndex) {
  const request = parse(DescribeIndexStatsRequest, body);
  if (request.filter !== undefined && Object.keys(request.filter).length > 0) {
    throw badRequest('Serverless and starter indexes do not support describing index stats with metadata filtering.');
  }
  const counts = index.vectorCounts();
  return {
    namespaces: Object.fromEntries(Object.entries(counts).map(([name, vectorCount]) => [name, { vectorCount }])),
    dimension: index.dimension,
    indexFullness: 0,
    totalVectorCount: Object.values(counts).reduce((sum, n) => sum + n, 0),
    metric: 'cosine',
    vectorType: 'dense',
  };
}

function list({ query: params }: RouteInput, index: VectorIndex) {
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? LIMITS.listLimit : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit must be a positive integer');
  const prefix = params.get('prefix') ?? '';
  const page = index.scan(namespaceOf(params.get('namespace') ?? undefined), limit, decodeToken(params.get('paginationToken')), (vector) =>
    vector.id.startsWith(prefix),
  );
  return {
    vectors: page.items.map((vector) => ({ id: vector.id })),
    ...(page.lastId !== undefined && { pagination: { next: encodeToken(page.lastId) } }),
    namespace: params.get('namespace') ?? '',
    usage: usage(1),
  };
}

export const DATA_PLANE_ROUTES: Record<string, DataPlaneRoute> = {
  '/vectors/upsert': { method: 'POST', handle: upsert },
  '/query': { method: 'POST', handle: query },
  '/vectors/fetch': { method: 'GET', handle: fetch },
  '/vectors/fetch_by_metadata': { method: 'POST', handle: fetchByMetadata },
  '/vectors/delete': { method: 'POST', handle: deleteVectors },
  '/vectors/update': { method: 'POST', handle: update },
  '/describe_index_stats': { method: 'POST', handle: describeIndexStats },
  '/vectors/list': { method: 'GET', handle: list },
};
