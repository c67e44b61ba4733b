import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';
import type { CleanedDataset, CleaningReport } from '../core/datasets/clean-dataset.ts';
import type { TrainingCostEstimate } from '../core/datasets/training-cost.ts';
import type { TrainingExample } from '../core/datasets/training-example.ts';

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
