import { Router } from 'express';
import { z } from 'zod';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { KIND, TENANT } from '../../platform/temporal/search-attributes.ts';
import { progressFigures } from '../../core/memory/ingest-progress.ts';
import type { IngestInput, IngestItem, IngestProgress } from '../../core/memory/memory-types.ts';
import { MetadataFilterSchema } from '../../core/memory/metadata-filter.ts';
import type { MemorySearch } from '../../core/memory/memory-search.ts';
import { DEFAULT_BM25 } from '../../core/memory/bm25.ts';
import { DEFAULT_FUSION } from '../../core/memory/fusion.ts';
import type { DocumentStore, StoredDocument } from '../../stores/documents.ts';
import type { VectorStore } from '../../stores/vectors/vector-store.ts';
import { ApiError, notFound } from '../api-error.ts';
import { OutboundError } from '../../platform/outbound/outbound-error.ts';
import { checkUrl, type OutboundPolicy } from '../../platform/outbound/outbound-policy.ts';
import { idempotencyKeyReused, requestHash, runIdempotencyKeyOf } from '../middleware/idempotency.ts';
import { principalOf } from '../middleware/auth.ts';
import { acceptedRun, runIdFor, startRun } from '../start-run.ts';
import { ingestDocuments, ingestProgressQuery } from '../../workflows/ingest-documents.ts';
import { toApiError } from '../temporal-errors.ts';
import { parseInput } from '../validation.ts';
import { CONVERSATION_ID } from './conversations.ts';
import type { DocumentJson, IngestionJson, SearchResultJson } from '../schemas/memory.ts';

const COLLECTION = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const CollectionSchema = z.string().regex(COLLECTION, 'lowercase letters, digits, ".", "_" and "-" (at most 63)');
const MetadataValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]);

const DocumentInputSchema = z
  .object({
    source: z.string().min(1).max(1000).describe('Names the document in its collection (a path or URL); ingesting the same source again replaces it.'),
    text: z.string().max(10_000_000).optional().describe('The content (text, markdown or HTML).'),
    url: z.string().url().max(2000).optional().describe('Fetch the content from here instead.'),
    mime: z.enum(['text/plain', 'text/markdown', 'text/html']).optional().describe('Default: from the source extension, else text/plain.'),
    title: z.string().max(500).optional(),
    metadata: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/), MetadataValue).optional(),
  })
  .strict()
  .refine((d) => (d.text === undefined) !== (d.url === undefined), { message: 'give exactly one of "text" and "url"', path: ['text'] });

export const IngestRequestSchema = z
  .object({
    collection: CollectionSchema.default('default'),
    documents: z.array(DocumentInputSchema).min(1).max(500),
    /** Wait for the ingestion to finish and answer with its summary (otherwise 202 with the run). */
    wait: z.boolean().optional(),
  })
  .strict()
  .refine((r) => new Set(r.documents.map((d) => d.source)).size === r.documents.length, { message: 'sources must be unique within a request', path: ['documents'] });

export const SearchRequestSchema = z
  .object({
    query: z.string().trim().min(1).max(2000),
    k: z.number().int().min(1).max(100).default(10),
    mode: z.enum(['hybrid', 'dense', 'keyword']).default('hybrid'),
    /** What to search: documents, conversations, or both (default). */
    sources: z.array(z.enum(['documents', 'conversations'])).min(1).max(2).default(['documents', 'conversations']),
    collections: z.array(CollectionSchema).max(50).optional(),
    conversation: z.string().regex(CONVERSATION_ID).optional(),
    role: z.enum(['system', 'user', 'assistant']).optional(),
    from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional().describe('Messages from this time (ISO 8601).'),
    to: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional().describe('Messages up to this time (ISO 8601).'),
    /** Over the documents' metadata (equality, $in, $gte, ... $and / $or). */
    metadata: MetadataFilterSchema.optional(),
    bm25: z
      .object({ k1: z.number().min(0).max(10).default(DEFAULT_BM25.k1), b: z.number().min(0).max(1).default(DEFAULT_BM25.b) })
      .strict()
      .optional()
      .describe(`Okapi BM25's parameters for keyword and hybrid search (default k1 ${DEFAULT_BM25.k1}, b ${DEFAULT_BM25.b}).`),
    fusion: z
      .object({
        method: z.enum(['rrf', 'weighted']).default(DEFAULT_FUSION.method).describe('rrf: reciprocal rank fusion (k = 60); weighted: alpha x dense + (1 - alpha) x BM25, each min-max normalised.'),
        alpha: z.number().min(0).max(1).default(DEFAULT_FUSION.alpha).describe('Weight of the dense list in weighted fusion.'),
      })
      .strict()
      .optional()
      .describe(`How hybrid search fuses dense and BM25 (default ${DEFAULT_FUSION.method}).`),
  })
  .strict();

const ListQuerySchema = z.object({ collection: CollectionSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
export const DOCUMENT_ID = /^doc_[A-Za-z0-9_-]{1,64}$/;

export const documentJson = (d: StoredDocument): DocumentJson => ({
  id: d.id,
  object: 'document',
  collection: d.collection,
  source: d.source,
  title: d.title,
  mime: d.mime,
  status: d.status,
  chunk_count: d.chunkCount,
  content_hash: d.contentHash,
  metadata: d.metadata,
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
});

/** An ingestion run as the API shows it; `status` from Temporal when known, else from the progress. */
export const ingestionJson = (runId: string, p: IngestProgress, status?: IngestionJson['status']): IngestionJson => {
  // Runs started before progress carried times have none: no rate or ETA for them.
  const figures = p.startedAtMs === undefined ? undefined : progressFigures({
    startedAtMs: p.startedAtMs, nowMs: p.updatedAtMs ?? p.startedAtMs, documentsDone: p.done, documentsTotal: p.total,
    chunksDone: p.chunksEmbedded, chunksTotal: p.chunksTotal, chunksAtStart: p.chunksAtStart ?? 0,
  });
  return {
    id: runId,
    object: 'ingestion',
    status: status ?? (p.finished || p.done >= p.total ? 'completed' : 'running'),
    collection: p.collection,
    total: p.total,
    done: p.done,
    chunks_total: p.chunksTotal,
    chunks_embedded: p.chunksEmbedded,
    progress: figures ? figures.fraction : p.total === 0 ? 1 : p.done / p.total,
    chunks_per_second: figures?.chunksPerSecond ?? null,
    eta_seconds: figures?.etaSeconds ?? null,
    elapsed_seconds: figures?.elapsedSeconds ?? null,
    started_at: p.startedAtMs === undefined ? null : new Date(p.startedAtMs).toISOString(),
    updated_at: p.updatedAtMs === undefined ? null : new Date(p.updatedAtMs).toISOString(),
    documents: p.documents.map((d) => ({ source: d.source, document_id: d.documentId ?? null, status: d.status, chunks: d.chunks, embedded: d.embedded, error: d.error ?? null })),
  };
};

export const INGESTION_ID = /^ingest-[A-Za-z0-9_-]{1,160}$/;

function ingestionNotFound(id: string): ApiError {
  return notFound('ingestion_not_found', `No ingestion "${id}" for this tenant.`);
}

export interface MemoryRouteDeps {
  client: Client;
  taskQueue: string;
  documents: DocumentStore;
  vectors: VectorStore;
  search: MemorySearch;
  /** The outbound request policy, for the early check of submitted URLs. */
  outbound: OutboundPolicy;
}

/**
 * The part of the outbound policy that needs no DNS, before any run starts: a URL whose host is
 * a private or loopback address literal (in any spelling), `localhost`, or not http(s), is
 * answered 400 at once. The fetch itself checks everything again, resolved addresses included.
 */
function refuseBlockedUrls(documents: Array<{ url?: string | undefined }>, policy: OutboundPolicy): void {
  const problems: Array<{ path: string; code: string; message: string; reason: string | undefined }> = [];
  documents.forEach((d, i) => {
    if (d.url === undefined) return;
    try {
      checkUrl(d.url, policy);
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      problems.push({ path: `documents.${i}.url`, code: err.code, message: err.message, reason: err.reason });
    }
  });
  const first = problems[0];
  if (first) throw new ApiError(400, 'invalid_request_error', 'outbound_blocked', `${first.path}: ${first.message}; the server does not fetch loopback, private or link-local addresses unless OUTBOUND_ALLOW_HOSTS or OUTBOUND_ALLOW_CIDRS allows them.`, problems);
}

export function memoryRouter(deps: MemoryRouteDeps): Router {
  const router = Router();

  router.post('/v1/memory/documents', async (req, res) => {
    const { tenantId } = principalOf(req);
    const body = parseInput(IngestRequestSchema, req.body);
    refuseBlockedUrls(body.documents, deps.outbound);
    // Bound to the API key: another key of the tenant with the same Idempotency-Key gets its own run.
    const key = runIdempotencyKeyOf(req);
    const items: IngestItem[] = [];
    for (const d of body.documents) {
      // Content waits in Postgres: workflow inputs stay small whatever the documents weigh.
      const staged = d.text !== undefined ? { uploadId: await deps.documents.stageUpload(tenantId, d.text) } : { url: d.url! };
      items.push({ source: d.source, ...staged, ...(d.mime && { mime: d.mime }), ...(d.title && { title: d.title }), ...(d.metadata && { metadata: d.metadata }) });
    }
    const input: IngestInput = { tenantId, collection: body.collection, items };
    const runId = runIdFor('ingest', tenantId, key);
    const handle = await startRun({
      client: deps.client,
      taskQueue: deps.taskQueue,
      workflow: ingestDocuments,
      kind: 'ingestion',
      tenantId,
      workflowId: runId,
      args: [input],
      ...(key !== undefined && { idempotent: { requestHash: requestHash(req), onMismatch: idempotencyKeyReused } }),
    });
    if (!body.wait) {
      acceptedRun(res, runId, 'ingestion');
      return;
    }
    try {
      res.json(ingestionJson(runId, (await handle.result()) as IngestProgress));
    } catch (err) {
      throw toApiError(err);
    }
  });

  // Progress of an ingestion run: the workflow's `progress` query while it runs, its result after.
  router.get('/v1/memory/ingestions/:ingestionId', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = String(req.params.ingestionId);
    if (!INGESTION_ID.test(id)) throw ingestionNotFound(id);
    const handle = deps.client.workflow.getHandle(id);
    let description: WorkflowExecutionDescription;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw ingestionNotFound(id);
      throw err;
    }
    // Another tenant's run and a missing one answer the same 404.
    if (description.typedSearchAttributes.get(TENANT) !== tenantId || description.typedSearchAttributes.get(KIND) !== 'ingestion') throw ingestionNotFound(id);
    const state = description.status.name;
    try {
      if (state === 'COMPLETED') {
        res.json(ingestionJson(id, (await handle.result()) as IngestProgress, 'completed'));
        return;
      }
      const progress = await handle.query(ingestProgressQuery);
      res.json(ingestionJson(id, progress, state === 'RUNNING' ? 'running' : 'failed'));
    } catch (err) {
      throw toApiError(err);
    }
  });

  router.get('/v1/memory/documents', async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseInput(ListQuerySchema, req.query, 'query string');
    const list = await deps.documents.list(tenantId, query);
    res.json({ object: 'list', data: list.map(documentJson), has_more: list.length === query.limit });
  });

  router.get('/v1/memory/documents/:documentId', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = String(req.params.documentId);
    const doc = DOCUMENT_ID.test(id) ? await deps.documents.get(tenantId, id) : undefined;
    if (!doc) throw notFound('document_not_found', `No document "${id}" for this tenant.`);
    res.json(documentJson(doc));
  });

  router.delete('/v1/memory/documents/:documentId', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = String(req.params.documentId);
    const doc = DOCUMENT_ID.test(id) ? await deps.documents.get(tenantId, id) : undefined;
    if (!doc) throw notFound('document_not_found', `No document "${id}" for this tenant.`);
    // Vectors first: a crash in between leaves a document without vectors, never orphan vectors.
    await deps.vectors.delete(tenantId, { filter: { document_id: id } });
    await deps.documents.delete(tenantId, id);
    res.json({ id, object: 'document', deleted: true });
  });

  router.post('/v1/search', async (req, res) => {
    const { tenantId } = principalOf(req);
    const body = parseInput(SearchRequestSchema, req.body);
    const hits = await deps.search.search({
      tenantId,
      query: body.query,
      k: body.k,
      mode: body.mode,
      documents: body.sources.includes('documents'),
      conversations: body.sources.includes('conversations'),
      collections: body.collections,
      conversationId: body.conversation,
      role: body.role,
      from: body.from,
      to: body.to,
      metadata: body.metadata,
      bm25: body.bm25,
      fusion: body.fusion,
    });
    res.json({ object: 'list', mode: body.mode, data: hits.map((h): SearchResultJson => ({ object: 'search_result', ...h })) });
  });

  return router;
}
