import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { IngestItem, PreparedDocument } from '../../core/memory/memory-types.ts';
import type { VectorMetadata } from '../../core/memory/metadata-filter.ts';
import type { ConversationStore } from '../../stores/conversations.ts';
import type { DocumentStore } from '../../stores/documents.ts';
import type { VectorStore } from '../../stores/vectors/vector-store.ts';
import { EmbeddingDimensionError, type Embedder } from '../../core/embeddings/embedder.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import { ConfigError } from '../../platform/config.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-client.ts';
import { approximateTokens, chunkBlocks, embeddingText } from '../../core/memory/chunker.ts';
import { documentBlocks, mimeOf } from '../../core/memory/document-text.ts';
import { fetchDocument } from '../../core/memory/fetch-document.ts';
import type { MemorySearch } from '../../core/memory/memory-search.ts';
import { assembleContext } from '../../core/memory/context-assembly.ts';
import type { ContextPassage } from '../../core/memory/context-passages.ts';
import type { RetrieveInput } from '../../core/memory/memory-types.ts';

export interface MemoryActivityDeps {
  documents: DocumentStore;
  conversations: ConversationStore;
  vectors: VectorStore;
  embedder: Embedder;
  search: MemorySearch;
  /** Every URL fetch goes through it (the outbound request policy). */
  outbound: OutboundClient;
  /**
   * Most tokens the model reads per chunk (heading line and special tokens included), capped at
   * the model's window. Default: the whole window (CHUNKING_DEFAULTS).
   */
  chunkTokens?: number;
  overlapTokens?: number;
  /** Embed each chunk under its heading path (default CHUNKING_DEFAULTS.titlePrefix). */
  titlePrefix?: boolean;
}

/**
 * Chosen by measurement on the development set (`npm run eval:retrieval` with CHUNK_TOKENS,
 * CHUNK_OVERLAP, CHUNK_TITLE_PREFIX; docs/docs/memory/documents-and-search.md has the table).
 */
export const CHUNKING_DEFAULTS = { chunkTokens: 256, overlapTokens: 0, titlePrefix: true } as const;

/** How chunks are measured: the embedder's tokenizer, else an estimate within its input limit. */
async function tokenCounterOf(embedder: Embedder): Promise<{ count: (text: string) => number; window: number }> {
  if (embedder.tokenCounter) return embedder.tokenCounter();
  return { count: approximateTokens, window: embedder.maxInputTokens };
}

/** What an embedded chunk or message carries in the vector store, for filters and for display. */
export function chunkMetadata(c: { collection: string; documentId: string; source: string; seq: number; metadata: Record<string, unknown> }): VectorMetadata {
  const extra: VectorMetadata = {};
  for (const [key, value] of Object.entries(c.metadata)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) extra[`meta.${key}`] = value as string | number | boolean | string[];
  }
  return { ...extra, kind: 'chunk', collection: c.collection, document_id: c.documentId, source: c.source, seq: c.seq };
}

/**
 * A missing model, a wrong setting or vectors of the wrong size will not fix themselves between
 * retries: fail the activity at once, with the message that says what to do. Every domain error
 * (EmbeddingModelMissingError among them) is such a condition by definition (core/errors/).
 */
function isPermanent(err: unknown): err is Error {
  return err instanceof DomainError || err instanceof ConfigError || err instanceof EmbeddingDimensionError;
}

async function embedOrFail(embedder: Embedder, texts: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
  try {
    return await embedder.embed(texts, signal ? { signal } : {});
  } catch (err) {
    if (isPermanent(err)) throw ApplicationFailure.nonRetryable(err.message, err.name);
    throw err;
  }
}

/** The activity's cancellation signal; none when the function runs outside a worker (eval scripts). */
function cancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export function createMemoryActivities(deps: MemoryActivityDeps) {
  const overlapTokens = deps.overlapTokens ?? CHUNKING_DEFAULTS.overlapTokens;
  const titlePrefix = deps.titlePrefix ?? CHUNKING_DEFAULTS.titlePrefix;
  let counter: Promise<{ count: (text: string) => number; window: number }> | undefined;

  return {
    /** Reads, chunks and records one document; unchanged content costs one hash and one query. */
    async prepareDocument(input: { tenantId: string; collection: string; item: IngestItem }): Promise<PreparedDocument> {
      const { tenantId, collection, item } = input;
      let content: string;
      let declaredMime = item.mime;
      if (item.uploadId) {
        const staged = await deps.documents.readUpload(tenantId, item.uploadId);
        if (staged === undefined) {
          // Already consumed by an earlier attempt that got as far as recording the document.
          const known = await deps.documents.find(tenantId, collection, item.source);
          if (known) return { documentId: known.id, outcome: 'resumed', pending: [], chunkCount: known.chunkCount };
          throw ApplicationFailure.nonRetryable(`upload ${item.uploadId} is gone`, 'upload_missing');
        }
        content = staged;
      } else if (item.url) {
        const fetched = await fetchDocument(deps.outbound, item.url, cancellation() ?? new AbortController().signal);
        content = fetched.content;
        declaredMime ??= fetched.mime;
      } else {
        throw ApplicationFailure.nonRetryable(`document ${item.source} has neither content nor url`, 'invalid_document');
      }
      const mime = mimeOf(item.url ?? item.source, declaredMime);
      const contentHash = createHash('sha256').update(`${mime}\n${content}`).digest('hex');
      const known = await deps.documents.find(tenantId, collection, item.source);
      if (known && known.contentHash === contentHash && known.status === 'ready') {
        return { documentId: known.id, outcome: 'unchanged', pending: [], chunkCount: known.chunkCount };
      }
      const { blocks, title } = documentBlocks(content, mime, item.source);
      counter ??= tokenCounterOf(deps.embedder).catch((err: unknown) => {
        counter = undefined;
        throw err;
      });
      let tokens: Awaited<typeof counter>;
      try {
        tokens = await counter;
      } catch (err) {
        if (isPermanent(err)) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      }
      const maxTokens = Math.min(tokens.window, deps.chunkTokens ?? CHUNKING_DEFAULTS.chunkTokens);
      const chunks = chunkBlocks(blocks, { maxTokens, overlapTokens, titlePrefix, countTokens: tokens.count });
      // Changed content: the old version's vectors go first, so a crash leaves nothing stale.
      if (known && known.contentHash !== contentHash) await deps.vectors.delete(tenantId, { filter: { document_id: known.id } });
      const prepared = await deps.documents.prepare(
        { tenantId, collection, source: item.source, title: item.title ?? title, mime, contentHash, metadata: item.metadata ?? {} },
        chunks,
      );
      return { documentId: prepared.document.id, outcome: prepared.outcome, pending: prepared.pending, chunkCount: chunks.length };
    },

    /** Embeds a batch of chunks and writes their vectors; safe to repeat (upserts by chunk id). */
    async embedChunks(input: { tenantId: string; chunkIds: string[] }): Promise<number> {
      const chunks = await deps.documents.chunks(input.tenantId, input.chunkIds);
      if (chunks.length === 0) return 0;
      const vectors = await embedOrFail(
        deps.embedder,
        chunks.map((c) => embeddingText(c.headingPath, c.text, titlePrefix)),
        cancellation(),
      );
      await deps.vectors.upsert(
        input.tenantId,
        chunks.map((c, i) => ({ id: c.id, values: Array.from(vectors[i]!), metadata: chunkMetadata(c) })),
      );
      await deps.documents.markEmbedded(input.tenantId, chunks.map((c) => c.id));
      return chunks.length;
    },

    async finishDocument(input: { tenantId: string; documentId: string; uploadId?: string }): Promise<void> {
      await deps.documents.finish(input.tenantId, input.documentId);
      if (input.uploadId) await deps.documents.dropUpload(input.tenantId, input.uploadId);
    },

    async dropUpload(input: { tenantId: string; uploadId: string }): Promise<void> {
      await deps.documents.dropUpload(input.tenantId, input.uploadId);
    },

    /** Retrieval for RAG and memory injection: the best passages that fit the token budget. */
    async retrieveContext(input: RetrieveInput): Promise<ContextPassage[]> {
      const hits = await deps.search.search({
        tenantId: input.tenantId,
        query: input.query,
        k: input.k,
        mode: input.mode ?? 'hybrid',
        documents: input.documents ?? true,
        conversations: input.conversations ?? input.conversationId !== undefined,
        collections: input.collections,
        conversationId: input.conversationId,
      });
      return assembleContext(hits, input.budgetTokens);
    },

    /** Embeds a tenant's conversation messages that are not searchable yet; returns how many. */
    async embedPendingMessages(input: { tenantId: string; limit: number }): Promise<number> {
      const pending = await deps.conversations.pendingForEmbedding(input.tenantId, input.limit);
      if (pending.length === 0) return 0;
      const vectors = await embedOrFail(deps.embedder, pending.map((m) => m.content), cancellation());
      await deps.vectors.upsert(
        input.tenantId,
        pending.map((m, i) => ({
          id: m.id,
          values: Array.from(vectors[i]!),
          metadata: { kind: 'message', conversation_id: m.conversationId, role: m.role, seq: m.seq, created_at: Math.floor(m.createdAt.getTime() / 1000) },
        })),
      );
      await deps.conversations.markEmbedded(input.tenantId, pending.map((m) => m.id));
      return pending.length;
    },
  };
}

export type MemoryActivities = ReturnType<typeof createMemoryActivities>;
