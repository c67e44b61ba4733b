/**
 * Request bodies of the data-plane routes, as the SDK sends them (camelCase JSON). Shapes are
 * checked here; limits whose real error message says something specific (batch size, top_k,
 * dimension, metadata size) are checked by the routes so the message can say it.
 */
import { z } from 'zod';

/** Pinecone's documented operation limits. */
export const LIMITS = {
  upsertVectors: 1000,
  /** "2MB" per upsert request. */
  upsertBytes: 2 * 1024 * 1024,
  metadataBytes: 40 * 1024,
  topK: 10_000,
  fetchIds: 1000,
  deleteIds: 1000,
  idLength: 512,
  listLimit: 100,
  fetchByMetadataLimit: 10_000,
} as const;

const Values = z.array(z.number()).min(1);
const SparseValues = z.object({ indices: z.array(z.number().int().nonnegative()), values: z.array(z.number()) });
/** Strings, numbers, booleans and lists of strings; no nulls, no nested objects. */
const MetadataValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
const Metadata = z.record(z.string(), MetadataValue);
const Filter = z.record(z.string(), z.unknown());
const Namespace = z.string().optional();

export type WireMetadata = z.infer<typeof Metadata>;
export type WireSparseValues = z.infer<typeof SparseValues>;

export const UpsertRequest = z.object({
  vectors: z
    .array(
      z.object({
        id: z.string().min(1),
        values: Values.optional(),
        sparseValues: SparseValues.optional(),
        metadata: Metadata.optional(),
      }),
    )
    .min(1),
  namespace: Namespace,
});

export const QueryRequest = z.object({
  namespace: Namespace,
  topK: z.number().int().min(1),
  filter: Filter.optional(),
  includeValues: z.boolean().optional(),
  includeMetadata: z.boolean().optional(),
  vector: Values.optional(),
  sparseVector: SparseValues.optional(),
  id: z.string().min(1).optional(),
});

export const DeleteRequest = z.object({
  ids: z.array(z.string().min(1)).optional(),
  deleteAll: z.boolean().optional(),
  namespace: Namespace,
  filter: Filter.optional(),
});

export const UpdateRequest = z.object({
  id: z.string().min(1),
  values: Values.optional(),
  sparseValues: SparseValues.optional(),
  setMetadata: Metadata.optional(),
  namespace: Namespace,
});

export const DescribeIndexStatsRequest = z.object({ filter: Filter.optional() });

export const FetchByMetadataRequest = z.object({
  namespace: Namespace,
  filter: Filter,
  limit: z.number().int().min(1).optional(),
  paginationToken: z.string().optional(),
});
