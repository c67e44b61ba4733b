import type { Pool } from '../platform/db/pool.ts';
import type { Candidate, CaseResult, EvaluateResult, EvaluateStatus, GradeResult } from '../core/evals/eval-types.ts';

/**
 * Evaluate runs and their per-case results (answer, grades, cost, latency). A batch activity
 * that Temporal retries upserts the same rows, so results never double.
 */
export interface EvalRun {
  tenantId: string;
  id: string;
  suite: { name: string; version: number };
  candidates: Candidate[];
  status: 'running' | EvaluateStatus;
  summary: EvaluateResult | null;
  scheduleId: string | null;
  accepted: boolean;
  startedAt: string;
  finishedAt: string | null;
}

export interface EvalRunStore {
  /** Idempotent: a retried start keeps the first row. */
  start(run: { tenantId: string; id: string; suite: { name: string; version: number }; candidates: Candidate[]; scheduleId?: string }): Promise<void>;
  finish(tenantId: string, id: string, result: EvaluateResult, accepted: boolean): Promise<void>;
  get(tenantId: string, id: string): Promise<EvalRun | null>;
  list(tenantId: string, filter?: { suite?: string; scheduleId?: string; limit?: number }): Promise<EvalRun[]>;
  /** The newest accepted run of a suite (any version), other than `exceptRunId`: the reference a regression is measured against. */
  lastAccepted(tenantId: string, suiteName: string, exceptRunId: string): Promise<EvalRun | null>;
  saveResults(tenantId: string, runId: string, results: ReadonlyArray<CaseResult & { caseIndex: number }>): Promise<void>;
  results(tenantId: string, runId: string, filter?: { candidate?: number; limit?: number; offset?: number }): Promise<Array<CaseResult & { caseIndex: number }>>;
}

interface RunRow {
  tenant_id: string;
  id: string;
  suite_name: string;
  suite_version: number;
  candidates: Candidate[];
  status: EvalRun['status'];
  summary: EvaluateResult | null;
  schedule_id: string | null;
  accepted: boolean;
  started_at: Date;
  finished_at: Date | null;
}

const toRun = (r: RunRow): EvalRun => ({
  tenantId: r.tenant_id,
  id: r.id,
  suite: { name: r.suite_name, version: r.suite_version },
  candidates: r.candidates,
  status: r.status,
  summary: r.summary,
  scheduleId: r.schedule_id,
  accepted: r.accepted,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
});

interface ResultRow {
  candidate: number;
  case_id: string;
  case_index: number;
  output: string | null;
  error: string | null;
  grades: GradeResult[];
  score: number;
  cost_usd: number;
  latency_ms: number;
  simulated: boolean;
}

export function createEvalRunStore(pool: Pool): EvalRunStore {
  return {
    async start(run) {
      await pool.query(
        `INSERT INTO eval_runs (tenant_id, id, suite_name, suite_version, candidates, status, schedule_id)
         VALUES ($1, $2, $3, $4, $5, 'running', $6) ON CONFLICT (tenant_id, id) DO NOTHING`,
        [run.tenantId, run.id, run.suite.name, run.suite.version, JSON.stringify(run.candidates), run.scheduleId ?? null],
      );
    },
    async finish(tenantId, id, result, accepted) {
      await pool.query(`UPDATE eval_runs SET status = $3, summary = $4, accepted = $5, finished_at = now() WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
        result.status,
        JSON.stringify(result),
        accepted,
      ]);
    },
    async get(tenantId, id) {
      const { rows } = await pool.query<RunRow>('SELECT * FROM eval_runs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] ? toRun(rows[0]) : null;
    },
    async list(tenantId, filter = {}) {
      const { rows } = await pool.query<RunRow>(
        `SELECT * FROM eval_runs WHERE tenant_id = $1 AND ($2::text IS NULL OR suite_name = $2) AND ($3::text IS NULL OR schedule_id = $3)
         ORDER BY started_at DESC, id LIMIT $4`,
        [tenantId, filter.suite ?? null, filter.scheduleId ?? null, Math.min(filter.limit ?? 50, 500)],
      );
      return rows.map(toRun);
    },
    async lastAccepted(tenantId, suiteName, exceptRunId) {
      const { rows } = await pool.query<RunRow>(
        `SELECT * FROM eval_runs WHERE tenant_id = $1 AND suite_name = $2 AND accepted AND id <> $3 ORDER BY finished_at DESC LIMIT 1`,
        [tenantId, suiteName, exceptRunId],
      );
      return rows[0] ? toRun(rows[0]) : null;
    },
    async saveResults(tenantId, runId, results) {
      if (results.length === 0) return;
      // One multi-row upsert per batch: 1,000 cases are tens of statements, not thousands.
      const values: unknown[] = [];
      const tuples = results.map((r, i) => {
        values.push(tenantId, runId, r.candidate, r.caseId, r.caseIndex, r.output, r.error, JSON.stringify(r.grades), r.score, r.costUsd, r.latencyMs, r.simulated);
        const base = i * 12;
        return `(${Array.from({ length: 12 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
      });
      await pool.query(
        `INSERT INTO eval_case_results (tenant_id, run_id, candidate, case_id, case_index, output, error, grades, score, cost_usd, latency_ms, simulated)
         VALUES ${tuples.join(', ')}
         ON CONFLICT (tenant_id, run_id, candidate, case_id) DO UPDATE SET output = EXCLUDED.output, error = EXCLUDED.error, grades = EXCLUDED.grades,
           score = EXCLUDED.score, cost_usd = EXCLUDED.cost_usd, latency_ms = EXCLUDED.latency_ms, simulated = EXCLUDED.simulated`,
        values,
      );
    },
    async results(tenantId, runId, filter = {}) {
      const { rows } = await pool.query<ResultRow>(
        `SELECT candidate, case_id, case_index, output, error, grades, score, cost_usd, latency_ms, simulated FROM eval_case_results
         WHERE tenant_id = $1 AND run_id = $2 AND ($3::int IS NULL OR candidate = $3) ORDER BY candidate, case_index LIMIT $4 OFFSET $5`,
        [tenantId, runId, filter.candidate ?? null, Math.min(filter.limit ?? 10_000, 10_000), filter.offset ?? 0],
      );
      return rows.map((r) => ({
        candidate: r.candidate,
        caseId: r.case_id,
        caseIndex: r.case_index,
        output: r.output,
        error: r.error,
        grades: r.grades,
        score: Number(r.score),
        costUsd: Number(r.cost_usd),
        latencyMs: Number(r.latency_ms),
        simulated: r.simulated,
      }));
    },
  };
}
