import { ActivityFailure, ApplicationFailure, defineQuery, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
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

function messageOf(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(err);
}

/**
 * Ingests documents into memory: read and chunk each (an activity), embed its chunks in batches
 * (activities that upsert by chunk id), then mark it ready. Re-ingesting unchanged content does
 * nothing; changed content replaces its chunks; a failure part-way resumes where it stopped,
 * because only chunks not yet embedded are pending. Progress is the `progress` query.
 */
export async function ingestDocuments(input: IngestInput): Promise<IngestProgress> {
  const documents: DocumentProgress[] = input.items.map((item) => ({ source: item.source, status: 'pending', chunks: 0, embedded: 0 }));
  const progress: IngestProgress = { collection: input.collection, total: input.items.length, done: 0, chunksTotal: 0, chunksEmbedded: 0, documents };
  setHandler(ingestProgressQuery, () => progress);
  const batchSize = input.batchSize ?? DEFAULT_BATCH;

  for (const [index, item] of input.items.entries()) {
    const doc = documents[index]!;
    try {
      const prepared = await prepareDocument({ tenantId: input.tenantId, collection: input.collection, item });
      doc.documentId = prepared.documentId;
      doc.chunks = prepared.chunkCount;
      progress.chunksTotal += prepared.chunkCount;
      if (prepared.outcome === 'unchanged') {
        doc.status = 'unchanged';
        doc.embedded = prepared.chunkCount;
      } else {
        doc.status = 'embedding';
        doc.embedded = prepared.chunkCount - prepared.pending.length;
      }
      progress.chunksEmbedded += doc.embedded;
      for (let i = 0; i < prepared.pending.length; i += batchSize) {
        const n = await embedChunks({ tenantId: input.tenantId, chunkIds: prepared.pending.slice(i, i + batchSize) });
        doc.embedded += n;
        progress.chunksEmbedded += n;
      }
      await finishDocument({ tenantId: input.tenantId, documentId: prepared.documentId, ...(item.uploadId && { uploadId: item.uploadId }) });
      if (doc.status !== 'unchanged') doc.status = 'ready';
    } catch (err) {
      // One bad document (a 404 URL, an empty upload) does not stop the others.
      doc.status = 'failed';
      doc.error = messageOf(err);
      if (item.uploadId) await dropUpload({ tenantId: input.tenantId, uploadId: item.uploadId }).catch(() => undefined);
    }
    progress.done += 1;
  }
  return progress;
}
