import { z } from 'zod';
import { SearchSourceSchema } from './search-source.ts';

/**
 * The answers of the memory endpoints (documents, ingestions, search). The serializers in
 * api/routes/memory.ts are typed by them and the OpenAPI document derives its schemas from them.
 */

const timestamp = () => z.string().meta({ format: 'date-time' });

export const DocumentSchema = z.object({
  id: z.string(),
  object: z.literal('document'),
  collection: z.string(),
  source: z.string(),
  title: z.string(),
  mime: z.string(),
  status: z.enum(['ingesting', 'ready']),
  chunk_count: z.number().int(),
  content_hash: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp(),
  updated_at: timestamp(),
});

export const IngestionSchema = z.object({
  id: z.string().describe('The ingestion run id.'),
  object: z.literal('ingestion'),
  status: z.enum(['running', 'completed', 'failed']).describe('failed: the run itself ended in error (cancelled, terminated); a failed document is in documents.'),
  collection: z.string(),
  total: z.number().int().describe('Documents in the run.'),
  done: z.number().int().describe('Documents finished (ready, unchanged or failed).'),
  chunks_total: z.number().int().describe('Chunks of the documents read so far.'),
  chunks_embedded: z.number().int(),
  progress: z.number().min(0).max(1).describe('0..1: documents done, refined by the chunks of documents under way.'),
  chunks_per_second: z.number().nullable().describe('Chunks embedded per second since the start (already-embedded chunks not counted).'),
  eta_seconds: z.number().int().nullable().describe('Seconds left at the current rate; null until a rate is known.'),
  elapsed_seconds: z.number().nullable(),
  started_at: timestamp().nullable(),
  updated_at: timestamp().nullable().describe('When the run last made progress (its figures are as of then).'),
  documents: z.array(
    z.object({
      source: z.string(),
      document_id: z.string().nullable(),
      status: z.enum(['pending', 'unchanged', 'embedding', 'ready', 'failed']),
      chunks: z.number().int(),
      embedded: z.number().int(),
      error: z.string().nullable(),
    }),
  ),
});

export const SearchResultSchema = z.object({
  object: z.literal('search_result'),
  id: z.string().describe('The chunk or message id.'),
  text: z.string(),
  score: z.number(),
  /** 1-based rank in each list that found it. */
  ranks: z.object({ dense: z.number().int().optional(), keyword: z.number().int().optional() }),
  source: SearchSourceSchema,
});

export type DocumentJson = z.infer<typeof DocumentSchema>;
export type IngestionJson = z.infer<typeof IngestionSchema>;
export type SearchResultJson = z.infer<typeof SearchResultSchema>;
