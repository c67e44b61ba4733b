import type { ExperimentAnalysis, VariantSample } from '../core/experiments/experiment-analysis.ts';
import type { ExperimentConfig, ExperimentDecisionRecord, ExperimentRecommendation, ExperimentStatus, StopReason } from '../core/experiments/experiment-types.ts';
import { MAX_OUTCOME_MAGNITUDE } from '../core/experiments/outcome-range.ts';
import type { Pool } from '../platform/db/pool.ts';

export interface ExperimentRecord {
  id: string;
  tenantId: string;
  templateId: string;
  name: string;
  config: ExperimentConfig;
  status: ExperimentStatus;
  stopReason: StopReason | null;
  recommendation: ExperimentRecommendation | null;
  decision: ExperimentDecisionRecord | null;
  finalResults: ExperimentAnalysis | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExperimentUpdate {
  status: ExperimentStatus;
  stopReason?: StopReason | null;
  recommendation?: ExperimentRecommendation | null;
  decision?: ExperimentDecisionRecord | null;
  finalResults?: ExperimentAnalysis | null;
}

interface ExperimentRow {
  id: string;
  tenant_id: string;
  template_id: string;
  name: string;
  config: ExperimentConfig;
  status: ExperimentStatus;
  stop_reason: StopReason | null;
  recommendation: ExperimentRecommendation | null;
  decision: ExperimentDecisionRecord | null;
  final_results: ExperimentAnalysis | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: ExperimentRow): ExperimentRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  templateId: r.template_id,
  name: r.name,
  config: r.config,
  status: r.status,
  stopReason: r.stop_reason,
  recommendation: r.recommendation,
  decision: r.decision,
  finalResults: r.final_results,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export function createPromptExperimentStore(pool: Pool) {
  return {
    async create(input: { id: string; tenantId: string; templateId: string; name: string; config: ExperimentConfig; createdBy: string }): Promise<ExperimentRecord> {
      const { rows } = await pool.query<ExperimentRow>(
        `INSERT INTO prompt_experiments (id, tenant_id, template_id, name, config, status, created_by)
         VALUES ($1, $2, $3, $4, $5, 'running', $6) RETURNING *`,
        [input.id, input.tenantId, input.templateId, input.name, JSON.stringify(input.config), input.createdBy],
      );
      return toRecord(rows[0]!);
    },

    async get(tenantId: string, id: string): Promise<ExperimentRecord | undefined> {
      const { rows } = await pool.query<ExperimentRow>('SELECT * FROM prompt_experiments WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async list(tenantId: string, limit: number): Promise<ExperimentRecord[]> {
      const { rows } = await pool.query<ExperimentRow>('SELECT * FROM prompt_experiments WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2', [tenantId, limit]);
      return rows.map(toRecord);
    },

    /** Written by the experiment workflow at each transition; fields left undefined keep their value. */
    async update(tenantId: string, id: string, update: ExperimentUpdate): Promise<void> {
      await pool.query(
        `UPDATE prompt_experiments SET status = $3,
           stop_reason = CASE WHEN $4::boolean THEN $5 ELSE stop_reason END,
           recommendation = CASE WHEN $6::boolean THEN $7::jsonb ELSE recommendation END,
           decision = CASE WHEN $8::boolean THEN $9::jsonb ELSE decision END,
           final_results = CASE WHEN $10::boolean THEN $11::jsonb ELSE final_results END,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId, id, update.status,
          update.stopReason !== undefined, update.stopReason ?? null,
          update.recommendation !== undefined, json(update.recommendation),
          update.decision !== undefined, json(update.decision),
          update.finalResults !== undefined, json(update.finalResults),
        ],
      );
    },

    /** Records a subject's first exposure; the variant is deterministic, so a repeat changes nothing. */
    async recordExposure(experimentId: string, subjectId: string, variant: string): Promise<{ first: boolean }> {
      const { rowCount } = await pool.query(
        `INSERT INTO prompt_experiment_exposures (experiment_id, subject_id, variant) VALUES ($1, $2, $3)
         ON CONFLICT (experiment_id, subject_id) DO NOTHING`,
        [experimentId, subjectId, variant],
      );
      return { first: rowCount === 1 };
    },

    /** Records (or replaces) a subject's outcome; undefined when the subject was never exposed. */
    async recordOutcome(experimentId: string, subjectId: string, value: number): Promise<{ variant: string } | undefined> {
      const { rows } = await pool.query<{ variant: string }>(
        `INSERT INTO prompt_experiment_outcomes (experiment_id, subject_id, variant, value)
         SELECT experiment_id, subject_id, variant, $3 FROM prompt_experiment_exposures WHERE experiment_id = $1 AND subject_id = $2
         ON CONFLICT (experiment_id, subject_id) DO UPDATE SET value = EXCLUDED.value, recorded_at = now()
         RETURNING variant`,
        [experimentId, subjectId, value],
      );
      return rows[0];
    },

    /**
     * Per-variant exposures and outcome statistics, in the order of `variants` (the control first).
     * Stored values that are not finite or beyond MAX_OUTCOME_MAGNITUDE (written before the API
     * refused them) are quarantined: counted, left out of the statistics, so one bad row can
     * neither overflow the variance nor jam the experiment. Within the bound, Postgres's float8
     * var_samp (Youngs-Cramer, a shifted sum) cannot overflow and keeps its precision.
     */
    async samples(experimentId: string, variants: readonly string[]): Promise<VariantSample[]> {
      const { rows } = await pool.query<{ variant: string; exposures: string; n: string; mean: number | null; variance: number | null; quarantined: string }>(
        `SELECT variant, count(*) AS exposures,
           count(value) FILTER (WHERE usable) AS n,
           avg(value) FILTER (WHERE usable) AS mean,
           var_samp(value) FILTER (WHERE usable) AS variance,
           count(value) FILTER (WHERE NOT usable) AS quarantined
         FROM (
           -- NaN sorts above every number in Postgres, so it fails the upper bound too.
           SELECT e.variant, o.value, o.value >= -$2::float8 AND o.value <= $2::float8 AS usable
           FROM prompt_experiment_exposures e
           LEFT JOIN prompt_experiment_outcomes o ON o.experiment_id = e.experiment_id AND o.subject_id = e.subject_id
           WHERE e.experiment_id = $1
         ) AS outcomes
         GROUP BY variant`,
        [experimentId, MAX_OUTCOME_MAGNITUDE],
      );
      const byName = new Map(rows.map((r) => [r.variant, r]));
      return variants.map((name) => {
        const row = byName.get(name);
        return {
          name,
          exposures: Number(row?.exposures ?? 0),
          count: Number(row?.n ?? 0),
          mean: row?.mean === null || row?.mean === undefined ? null : Number(row.mean),
          variance: row?.variance === null || row?.variance === undefined ? null : Number(row.variance),
          quarantined: Number(row?.quarantined ?? 0),
        };
      });
    },
  };
}

export type PromptExperimentStore = ReturnType<typeof createPromptExperimentStore>;
