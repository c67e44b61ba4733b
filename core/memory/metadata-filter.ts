import { z } from 'zod';

/**
 * Metadata filters for vector search, in the subset of Pinecone's filter language every store
 * supports: equality and comparison operators on scalar fields, membership, and $and / $or.
 * `{ collection: 'docs', year: { $gte: 2024 } }` — fields side by side are ANDed.
 */
export type MetadataValue = string | number | boolean | string[];
export type VectorMetadata = Record<string, MetadataValue>;

export type FieldCondition =
  | string
  | number
  | boolean
  | { $eq?: string | number | boolean; $ne?: string | number | boolean; $gt?: number; $gte?: number; $lt?: number; $lte?: number; $in?: Array<string | number>; $nin?: Array<string | number>; $exists?: boolean };

export type MetadataFilter = { $and?: MetadataFilter[]; $or?: MetadataFilter[] } & { [field: string]: FieldCondition | MetadataFilter[] | undefined };

/** Field names: what Postgres JSON paths and Pinecone both take without quoting surprises. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);
const Condition = z.union([
  Scalar,
  z
    .object({
      $eq: Scalar.optional(),
      $ne: Scalar.optional(),
      $gt: z.number().optional(),
      $gte: z.number().optional(),
      $lt: z.number().optional(),
      $lte: z.number().optional(),
      $in: z.array(z.union([z.string().max(1000), z.number()])).max(1000).optional(),
      $nin: z.array(z.union([z.string().max(1000), z.number()])).max(1000).optional(),
      $exists: z.boolean().optional(),
    })
    .strict()
    .refine((c) => Object.keys(c).length > 0, 'an operator object needs at least one operator'),
]);

/**
 * Bounds of a filter: $and / $or nested at most this deep, and at most this many clauses in all.
 * Real filters are a few levels and a few dozen clauses; the bounds keep the recursive parse,
 * the SQL compiler and the generated SQL small whatever a caller sends.
 */
export const MAX_FILTER_DEPTH = 8;
export const MAX_FILTER_CLAUSES = 500;

/** Measures a filter without recursion, so a 1,000-deep `$and` is refused, not followed. */
function checkShape(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  let clauses = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
    for (const [key, condition] of Object.entries(node)) {
      clauses += 1;
      if ((key === '$and' || key === '$or') && Array.isArray(condition)) {
        if (depth >= MAX_FILTER_DEPTH) {
          ctx.addIssue({ code: 'custom', path: [], message: `$and / $or may be nested at most ${MAX_FILTER_DEPTH} levels deep` });
          return;
        }
        for (const child of condition) stack.push({ node: child, depth: depth + 1 });
      }
    }
    if (clauses > MAX_FILTER_CLAUSES) {
      ctx.addIssue({ code: 'custom', path: [], message: `a filter may have at most ${MAX_FILTER_CLAUSES} clauses` });
      return;
    }
  }
}

const FilterNode: z.ZodType<MetadataFilter, Record<string, unknown>> = z.lazy(() =>
  z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      for (const [key, condition] of Object.entries(value)) {
        if (key === '$and' || key === '$or') {
          const list = z.array(FilterNode).min(1).max(50).safeParse(condition);
          if (!list.success) ctx.addIssue({ code: 'custom', path: [key], message: `${key} takes a list of filters` });
          continue;
        }
        if (!FIELD_NAME.test(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'field names are letters, digits, "_", "." and "-"' });
          continue;
        }
        const parsed = Condition.safeParse(condition);
        if (!parsed.success) ctx.addIssue({ code: 'custom', path: [key], message: parsed.error.issues[0]?.message ?? 'invalid condition' });
      }
    }),
) as z.ZodType<MetadataFilter, Record<string, unknown>>;

/** The shape is measured first; only a filter within bounds is parsed (recursively). */
export const MetadataFilterSchema: z.ZodType<MetadataFilter> = z.record(z.string(), z.unknown()).superRefine(checkShape).pipe(FilterNode) as z.ZodType<MetadataFilter>;

function compare(value: MetadataValue | undefined, op: string, operand: unknown): boolean {
  // A list field matches $eq / $in when any element does, as in Pinecone.
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  switch (op) {
    case '$eq':
      return values.some((v) => v === operand);
    case '$ne':
      return !values.some((v) => v === operand);
    case '$in':
      return values.some((v) => (operand as unknown[]).includes(v));
    case '$nin':
      return !values.some((v) => (operand as unknown[]).includes(v));
    case '$gt':
      return typeof value === 'number' && value > (operand as number);
    case '$gte':
      return typeof value === 'number' && value >= (operand as number);
    case '$lt':
      return typeof value === 'number' && value < (operand as number);
    case '$lte':
      return typeof value === 'number' && value <= (operand as number);
    case '$exists':
      return (value !== undefined) === operand;
    default:
      return false;
  }
}

/** The reference semantics, for stores that filter in memory (and to test the SQL ones against). */
export function matchesFilter(metadata: VectorMetadata, filter: MetadataFilter | undefined): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (key === '$and') {
      if (!(condition as MetadataFilter[]).every((f) => matchesFilter(metadata, f))) return false;
    } else if (key === '$or') {
      if (!(condition as MetadataFilter[]).some((f) => matchesFilter(metadata, f))) return false;
    } else if (typeof condition === 'object' && !Array.isArray(condition)) {
      for (const [op, operand] of Object.entries(condition)) {
        if (!compare(metadata[key], op, operand)) return false;
      }
    } else if (!compare(metadata[key], '$eq', condition)) {
      return false;
    }
  }
  return true;
}
