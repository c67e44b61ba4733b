import { ActivityFailure, ApplicationFailure, condition, defineQuery, patched, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
import type { MemoryActivities } from '../activities/memory/create-memory-activities.ts';
import type { DocumentProgress, IngestInput, IngestProgress } from '../core/memory/memory-types.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';

export const ingestProgressQuery = defineQuery<IngestProgress>('progress');

const documentSteps: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry({
    initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5,
    nonRetryableErrorTypes: ['invalid_document', 'invalid_url', 'fetch_refused', 'document_too_large', 'upload_missing'],
  }),
};
// Embedding a batch on a CPU model takes seconds; heartbeats are not needed at this size.
const embedding: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  retry: boundedRetry({ initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 10 }),
};
const { prepareDocument, finishDocument, dropUpload } = proxyActivities<MemoryActivities>(documentSteps);
const { embedChunks } = proxyActivities<MemoryActivities>(embedding);

const DEFAULT_BATCH = 64;
/** Documents read and chunked at once, ahead of the embedding. */
const PREPARE_AHEAD = 4;
/**
 * Embedding batches in flight: two, so one batch's vectors are written (and the next batch's
 * chunks read) while the model computes the other. The model itself runs one batch at a time.
 */
const EMBED_LANES = 2;

/** Marks runs that take the pipelined path (Temporal versioning: older histories replay the old one). */
const PIPELINE_PATCH = 'ingest-pipeline-v1';

function messageOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(err);
}

/**
 * Ingests documents into memory as a pipeline: documents are read and chunked a few at a time
 * (prepareDocument), their pending chunks join one queue that is embedded in full batches
 * across documents (embedChunks upserts by chunk id), and a document is marked ready when its
 * last chunk is embedded. Re-ingesting unchanged content does nothing; changed content replaces
 * its chunks; a failure part-way resumes where it stopped, because only chunks not yet embedded
 * are pending. One bad document (a 404 URL, an empty upload) does not stop the others.
 * Progress — documents and chunks done, rate, ETA — is the `progress` query.
 */
export async function ingestDocuments(input: IngestInput): Promise<IngestProgress> {
  const documents: DocumentProgress[] = input.items.map((item) => ({ source: item.source, status: 'pending', chunks: 0, embedded: 0 }));
  const startedAtMs = Date.now();
  const progress: IngestProgress = {
    collection: input.collection, total: input.items.length, done: 0, chunksTotal: 0, chunksEmbedded: 0, documents,
    startedAtMs, updatedAtMs: startedAtMs, chunksAtStart: 0, finished: input.items.length === 0,
  };
  setHandler(ingestProgressQuery, () => progress);
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  const touch = () => {
    progress.updatedAtMs = Date.now();
  };
  // Runs started before the pipeline replay the one-document-at-a-time order they recorded.
  if (!patched(PIPELINE_PATCH)) return sequential(input, progress, batchSize, touch);

  const queue: Array<{ index: number; chunkId: string }> = [];
  const remaining = new Map<number, number>();
  let preparing = true;

  const fail = async (index: number, err: unknown) => {
    const doc = documents[index]!;
    if (doc.status === 'failed') return;
    doc.status = 'failed';
    doc.error = messageOf(err);
    remaining.delete(index);
    const item = input.items[index]!;
    if (item.uploadId) await dropUpload({ tenantId: input.tenantId, uploadId: item.uploadId }).catch(() => undefined);
    progress.done += 1;
    touch();
  };

  const finish = async (index: number) => {
    const doc = documents[index]!;
    const item = input.items[index]!;
    try {
      await finishDocument({ tenantId: input.tenantId, documentId: doc.documentId!, ...(item.uploadId && { uploadId: item.uploadId }) });
      if (doc.status !== 'unchanged') doc.status = 'ready';
      progress.done += 1;
      touch();
    } catch (err) {
      await fail(index, err);
    }
  };

  const prepare = async (index: number) => {
    const doc = documents[index]!;
    try {
      const prepared = await prepareDocument({ tenantId: input.tenantId, collection: input.collection, item: input.items[index]! });
      doc.documentId = prepared.documentId;
      doc.chunks = prepared.chunkCount;
      doc.status = prepared.outcome === 'unchanged' ? 'unchanged' : 'embedding';
      doc.embedded = prepared.outcome === 'unchanged' ? prepared.chunkCount : prepared.chunkCount - prepared.pending.length;
      progress.chunksTotal += prepared.chunkCount;
      progress.chunksEmbedded += doc.embedded;
      progress.chunksAtStart! += doc.embedded;
      touch();
      if (prepared.pending.length === 0) {
        await finish(index);
        return;
      }
      remaining.set(index, prepared.pending.length);
      for (const chunkId of prepared.pending) queue.push({ index, chunkId });
    } catch (err) {
      await fail(index, err);
    }
  };

  const preparer = async () => {
    let next = 0;
    const worker = async () => {
      while (next < input.items.length) await prepare(next++);
    };
    await Promise.all(Array.from({ length: Math.min(PREPARE_AHEAD, input.items.length) }, worker));
    preparing = false;
  };

  const embedder = async () => {
    for (;;) {
      // A full batch when one is ready; a partial one only when no more chunks are coming.
      await condition(() => queue.length >= batchSize || (!preparing && queue.length >= 0));
      if (queue.length === 0) {
        if (!preparing) return;
        continue;
      }
      const batch = queue.splice(0, batchSize).filter((c) => remaining.has(c.index));
      if (batch.length === 0) continue;
      try {
        const n = await embedChunks({ tenantId: input.tenantId, chunkIds: batch.map((c) => c.chunkId) });
        progress.chunksEmbedded += n;
      } catch (err) {
        for (const index of new Set(batch.map((c) => c.index))) await fail(index, err);
        continue;
      }
      for (const { index } of batch) {
        if (!remaining.has(index)) continue;
        documents[index]!.embedded += 1;
        const left = remaining.get(index)! - 1;
        if (left > 0) remaining.set(index, left);
        else {
          remaining.delete(index);
          await finish(index);
        }
      }
      touch();
    }
  };

  await Promise.all([preparer(), ...Array.from({ length: EMBED_LANES }, embedder)]);
  progress.finished = true;
  touch();
  return progress;
}

/** The order runs used before the pipeline: each document read, embedded and finished in turn. */
async function sequential(input: IngestInput, progress: IngestProgress, batchSize: number, touch: () => void): Promise<IngestProgress> {
  for (const [index, item] of input.items.entries()) {
    const doc = progress.documents[index]!;
    try {
      const prepared = await prepareDocument({ tenantId: input.tenantId, collection: input.collection, item });
      doc.documentId = prepared.documentId;
      doc.chunks = prepared.chunkCount;
      progress.chunksTotal += prepared.chunkCount;
      doc.status = prepared.outcome === 'unchanged' ? 'unchanged' : 'embedding';
      doc.embedded = prepared.outcome === 'unchanged' ? prepared.chunkCount : prepared.chunkCount - prepared.pending.length;
      progress.chunksEmbedded += doc.embedded;
      progress.chunksAtStart! += doc.embedded;
      for (let i = 0; i < prepared.pending.length; i += batchSize) {
        const n = await embedChunks({ tenantId: input.tenantId, chunkIds: prepared.pending.slice(i, i + batchSize) });
        doc.embedded += n;
        progress.chunksEmbedded += n;
        touch();
      }
      await finishDocument({ tenantId: input.tenantId, documentId: prepared.documentId, ...(item.uploadId && { uploadId: item.uploadId }) });
      if (doc.status !== 'unchanged') doc.status = 'ready';
    } catch (err) {
      doc.status = 'failed';
      doc.error = messageOf(err);
      if (item.uploadId) await dropUpload({ tenantId: input.tenantId, uploadId: item.uploadId }).catch(() => undefined);
    }
    progress.done += 1;
    touch();
  }
  progress.finished = true;
  return progress;
}
