import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';

/**
 * Feedback on a run, general enough for every reader: the router takes the rating as a measured
 * outcome, fine-tuning datasets take corrections and labels. The author is the key that sent it.
 */
export interface RunFeedback {
  id: string;
  tenantId: string;
  runId: string;
  apiKeyId: string;
  /** -1 (bad) … 1 (good), whatever scale it was sent on. */
  rating: number | null;
  ratingRaw: number | null;
  ratingScale: 'signed' | 'five_point' | null;
  correctedOutput: string | null;
  labels: string[];
  comment: string | null;
  createdAt: Date;
}

export type NewRunFeedback = Omit<RunFeedback, 'id' | 'createdAt'>;

export interface RunFeedbackStore {
  add(feedback: NewRunFeedback): Promise<RunFeedback>;
  list(tenantId: string, runId: string): Promise<RunFeedback[]>;
}

interface Row {
  id: string;
  tenant_id: string;
  run_id: string;
  api_key_id: string;
  rating: number | null;
  rating_raw: number | null;
  rating_scale: RunFeedback['ratingScale'];
  corrected_output: string | null;
  labels: string[];
  comment: string | null;
  created_at: Date;
}

const toFeedback = (r: Row): RunFeedback => ({
  id: r.id,
  tenantId: r.tenant_id,
  runId: r.run_id,
  apiKeyId: r.api_key_id,
  rating: r.rating === null ? null : Number(r.rating),
  ratingRaw: r.rating_raw === null ? null : Number(r.rating_raw),
  ratingScale: r.rating_scale,
  correctedOutput: r.corrected_output,
  labels: r.labels,
  comment: r.comment,
  createdAt: r.created_at,
});

export function createRunFeedbackStore(pool: Pool): RunFeedbackStore {
  return {
    async add(f) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO run_feedback (id, tenant_id, run_id, api_key_id, rating, rating_raw, rating_scale, corrected_output, labels, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [newId('fb'), f.tenantId, f.runId, f.apiKeyId, f.rating, f.ratingRaw, f.ratingScale, f.correctedOutput, JSON.stringify(f.labels), f.comment],
      );
      return toFeedback(rows[0]!);
    },
    async list(tenantId, runId) {
      const { rows } = await pool.query<Row>('SELECT * FROM run_feedback WHERE tenant_id = $1 AND run_id = $2 ORDER BY created_at, id', [tenantId, runId]);
      return rows.map(toFeedback);
    },
  };
}
