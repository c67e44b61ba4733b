import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';
import type { CleanedDataset, CleaningReport } from '../core/datasets/clean-dataset.ts';
import type { TrainingCostEstimate } from '../core/datasets/training-cost.ts';
import type { TrainingExample, TrainingMessage } from '../core/datasets/training-example.ts';
import type { RecordedSelection } from '../core/datasets/recorded-selection.ts';

/** One immutable dataset version (its rows are read separately: there can be 100,000 of them). */
export interface DatasetVersion {
  id: string;
  tenantId: string;
  name: string;
  version: number;
  source: 'upload' | 'build';
  contentHash: string;
  rows: number;
  trainRows: number;
  validationRows: number;
  trainTokens: number;
  validationTokens: number;
  cleaning: CleaningReport;
  /** What the version was made from: the build's filters, or the upload's file name. */
  selection: Record<string, unknown>;
  costEstimates: TrainingCostEstimate[];
  createdByKey: string;
  createdAt: Date;
}

export interface DatasetRow {
  position: number;
  split: 'train' | 'validation';
  tokens: number;
  example: TrainingExample;
}

export interface NewDatasetVersion {
  tenantId: string;
  name: string;
  source: DatasetVersion['source'];
  cleaned: CleanedDataset;
  selection: Record<string, unknown>;
  costEstimates: TrainingCostEstimate[];
  createdByKey: string;
}

export interface DatasetStore {
  /** Writes a new version (next number for the name) with all its rows, in one transaction. */
  create(input: NewDatasetVersion): Promise<DatasetVersion>;
  get(tenantId: string, id: string): Promise<DatasetVersion | undefined>;
  list(tenantId: string, options?: { name?: string; limit?: number }): Promise<DatasetVersion[]>;
  rows(tenantId: string, id: string, options: { offset: number; limit: number; split?: DatasetRow['split'] }): Promise<DatasetRow[]>;
  /**
   * Recorded completions as training examples: the conversation up to the run's answer as the
   * prompt, and the latest correction from feedback (else the model's answer) as the target.
   * Only runs whose prompt is kept, that is runs in a conversation, can be selected: a
   * completion without a conversation stores its answer but not its messages.
   */
  recordedExamples(tenantId: string, selection: RecordedSelection): Promise<RecordedExample[]>;
}

export interface RecordedExample {
  runId: string;
  model: string;
  corrected: boolean;
  example: TrainingExample;
}

interface VersionRow {
  id: string;
  tenant_id: string;
  name: string;
  version: number;
  source: DatasetVersion['source'];
  content_hash: string;
  rows: number;
  train_rows: number;
  validation_rows: number;
  train_tokens: string;
  validation_tokens: string;
  cleaning: CleaningReport;
  selection: Record<string, unknown>;
  cost_estimates: TrainingCostEstimate[];
  created_by_key: string;
  created_at: Date;
}

const toVersion = (r: VersionRow): DatasetVersion => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  version: r.version,
  source: r.source,
  contentHash: r.content_hash,
  rows: r.rows,
  trainRows: r.train_rows,
  validationRows: r.validation_rows,
  trainTokens: Number(r.train_tokens),
  validationTokens: Number(r.validation_tokens),
  cleaning: r.cleaning,
  selection: r.selection,
  costEstimates: r.cost_estimates,
  createdByKey: r.created_by_key,
  createdAt: r.created_at,
});

/** Rows go in as one jsonb array per batch: one round trip per 1,000 rows, not per row. */
const ROW_BATCH = 1000;

export function createDatasetStore(pool: Pool): DatasetStore {
  return {
    async recordedExamples(tenantId, sel) {
      const { rows } = await pool.query<{ run_id: string; model: string; context: TrainingMessage[]; answer: string; corrected: string | null }>(
        `SELECT c.run_id, c.model, ctx.context, m.content AS answer, fb.corrected
         FROM completions c
         JOIN conversation_messages m ON m.run_id = c.run_id AND m.tenant_id = c.tenant_id AND m.role = 'assistant'
         LEFT JOIN LATERAL (
           SELECT avg(f.rating) AS rating,
                  (array_agg(f.corrected_output ORDER BY f.created_at DESC) FILTER (WHERE f.corrected_output IS NOT NULL))[1] AS corrected,
                  coalesce(jsonb_agg(l.label) FILTER (WHERE l.label IS NOT NULL), '[]') AS labels
           FROM run_feedback f LEFT JOIN LATERAL jsonb_array_elements_text(f.labels) AS l(label) ON true
           WHERE f.tenant_id = c.tenant_id AND f.run_id = c.run_id
         ) fb ON true
         CROSS JOIN LATERAL (
           SELECT jsonb_agg(jsonb_build_object('role', p.role, 'content', p.content) ORDER BY p.seq) AS context
           FROM conversation_messages p WHERE p.conversation_id = m.conversation_id AND p.seq < m.seq
         ) ctx
         WHERE c.tenant_id = $1 AND c.status = 'completed' AND ctx.context IS NOT NULL
           AND ($2::timestamptz IS NULL OR c.created_at >= $2) AND ($3::timestamptz IS NULL OR c.created_at < $3)
           AND ($4::text[] IS NULL OR c.model = ANY($4) OR c.requested_model = ANY($4))
           AND ($5::text IS NULL OR c.prompt_template = $5) AND ($6::int IS NULL OR c.prompt_version = $6)
           AND ($7::text IS NULL OR m.conversation_id = $7)
           AND ($8::float8 IS NULL OR fb.rating >= $8)
           AND ($9::text[] IS NULL OR fb.labels ?| $9)
           AND (NOT $10 OR fb.corrected IS NOT NULL)
         ORDER BY c.created_at, c.run_id
         LIMIT $11`,
        [tenantId, sel.from ?? null, sel.to ?? null, sel.models ?? null, sel.prompt_template ?? null, sel.prompt_version ?? null,
          sel.conversation_id ?? null, sel.min_rating ?? null, sel.labels ?? null, sel.only_corrected ?? false, sel.limit ?? 100_000],
      );
      return rows.map((r) => ({
        runId: r.run_id,
        model: r.model,
        corrected: r.corrected !== null,
        example: { messages: [...r.context, { role: 'assistant', content: r.corrected ?? r.answer }] },
      }));
    },
    async create(input) {
      const { cleaned } = input;
      return withTransaction(pool, async (db) => {
        // Serialises writers of the same name so two uploads get consecutive version numbers.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`dataset:${input.tenantId}:${input.name}`]);
        const { rows: max } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM datasets WHERE tenant_id = $1 AND name = $2', [input.tenantId, input.name]);
        const r = cleaned.report;
        const { rows } = await db.query<VersionRow>(
          `INSERT INTO datasets (id, tenant_id, name, version, source, content_hash, rows, train_rows, validation_rows, train_tokens,
             validation_tokens, cleaning, selection, cost_estimates, created_by_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
          [newId('ds'), input.tenantId, input.name, (max[0]?.v ?? 0) + 1, input.source, cleaned.contentHash, r.rows, r.train_rows, r.validation_rows,
            r.train_tokens, r.validation_tokens, JSON.stringify(r), JSON.stringify(input.selection), JSON.stringify(input.costEstimates), input.createdByKey],
        );
        const version = rows[0]!;
        for (let start = 0; start < cleaned.rows.length; start += ROW_BATCH) {
          const batch = cleaned.rows.slice(start, start + ROW_BATCH).map((row, i) => ({
            position: start + i,
            split: row.split,
            tokens: row.tokens,
            row_hash: row.hash,
            example: row.example,
          }));
          await db.query(
            `INSERT INTO dataset_rows (dataset_id, position, split, tokens, row_hash, example)
             SELECT $1, position, split, tokens, row_hash, example
             FROM jsonb_to_recordset($2::jsonb) AS r(position integer, split text, tokens integer, row_hash text, example jsonb)`,
            [version.id, JSON.stringify(batch)],
          );
        }
        return toVersion(version);
      });
    },
    async get(tenantId, id) {
      const { rows } = await pool.query<VersionRow>('SELECT * FROM datasets WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] ? toVersion(rows[0]) : undefined;
    },
    async list(tenantId, options = {}) {
      const { rows } = await pool.query<VersionRow>(
        `SELECT * FROM datasets WHERE tenant_id = $1 AND ($2::text IS NULL OR name = $2)
         ORDER BY created_at DESC, id DESC LIMIT $3`,
        [tenantId, options.name ?? null, options.limit ?? 100],
      );
      return rows.map(toVersion);
    },
    async rows(tenantId, id, options) {
      // The tenant check is a join, so another tenant's dataset id reads as empty.
      const { rows } = await pool.query<DatasetRow>(
        `SELECT r.position, r.split, r.tokens, r.example FROM dataset_rows r JOIN datasets d ON d.id = r.dataset_id
         WHERE d.tenant_id = $1 AND d.id = $2 AND ($3::text IS NULL OR r.split = $3)
         ORDER BY r.position OFFSET $4 LIMIT $5`,
        [tenantId, id, options.split ?? null, options.offset, options.limit],
      );
      return rows;
    },
  };
}
