import { createHash } from 'node:crypto';
import type { OutcomeRecord } from '../core/routing/outcome-record.ts';
import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export type OutcomeSource = 'import' | 'feedback' | 'evaluation';

export interface OutcomeImport {
  id: string;
  tenantId: string;
  name: string;
  apiKeyId: string | null;
  lines: number;
  prompts: number;
  outcomeRows: number;
  createdAt: Date;
}

/** One measured outcome of one model on one prompt. */
export interface StoredOutcome {
  promptId: string;
  model: string;
  prompt: string | null;
  family: string;
  category: string;
  score: number;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outputChars: number | null;
  latencyMs: number | null;
  source: OutcomeSource;
  dataset: string;
  runId: string | null;
}

export interface OutcomeSummary {
  prompts: number;
  outcomeRows: number;
  bySource: Record<string, number>;
  models: string[];
}

export interface OutcomeStore {
  /** All records in one transaction: a file is imported whole or not at all. */
  importRecords(tenantId: string, apiKeyId: string | null, name: string, lines: number, records: readonly OutcomeRecord[]): Promise<OutcomeImport>;
  /** One outcome from feedback on a run or an evaluation run (replaces an earlier one of the same prompt id and model). */
  record(tenantId: string, outcome: Omit<StoredOutcome, 'dataset'> & { dataset?: string }): Promise<void>;
  list(tenantId: string, options?: { limit?: number }): Promise<StoredOutcome[]>;
  imports(tenantId: string): Promise<OutcomeImport[]>;
  summary(tenantId: string): Promise<OutcomeSummary>;
}

/** Rows per INSERT: bounded so one statement's parameters stay small whatever the file's size. */
const BATCH = 2_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface ImportRow {
  id: string;
  tenant_id: string;
  name: string;
  api_key_id: string | null;
  lines: number;
  prompts: number;
  outcome_rows: number;
  created_at: Date;
}
const toImport = (r: ImportRow): OutcomeImport => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  apiKeyId: r.api_key_id,
  lines: r.lines,
  prompts: r.prompts,
  outcomeRows: r.outcome_rows,
  createdAt: r.created_at,
});

export function createOutcomeStore(pool: Pool): OutcomeStore {
  return {
    importRecords(tenantId, apiKeyId, name, lines, records) {
      return withTransaction(pool, async (client) => {
        const id = newId('oimp');
        const rows = records.flatMap((r) => Object.entries(r.outcomes).map(([model, o]) => ({ r, model, o })));
        const { rows: created } = await client.query<ImportRow>(
          `INSERT INTO outcome_imports (id, tenant_id, name, api_key_id, lines, prompts, outcome_rows) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [id, tenantId, name, apiKeyId, lines, records.length, rows.length],
        );
        for (let i = 0; i < rows.length; i += BATCH) {
          const batch = rows.slice(i, i + BATCH);
          await client.query(
            `INSERT INTO router_outcomes (tenant_id, prompt_id, model, prompt, prompt_sha256, family, category, score, cost_usd,
               input_tokens, output_tokens, output_chars, latency_ms, dataset, source, import_id)
             SELECT $1, t.*, 'import', $15 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
               $8::float8[], $9::float8[], $10::int[], $11::int[], $12::int[], $13::float8[], $14::text[]) AS t
             ON CONFLICT (tenant_id, prompt_id, model) DO UPDATE SET prompt = EXCLUDED.prompt, prompt_sha256 = EXCLUDED.prompt_sha256,
               family = EXCLUDED.family, category = EXCLUDED.category, score = EXCLUDED.score, cost_usd = EXCLUDED.cost_usd,
               input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens, output_chars = EXCLUDED.output_chars,
               latency_ms = EXCLUDED.latency_ms, source = 'import', dataset = EXCLUDED.dataset, import_id = EXCLUDED.import_id, created_at = now()`,
            [
              tenantId,
              batch.map((x) => x.r.id),
              batch.map((x) => x.model),
              batch.map((x) => x.r.prompt),
              batch.map((x) => sha256(x.r.prompt)),
              batch.map((x) => x.r.family),
              batch.map((x) => x.r.category),
              batch.map((x) => x.o.score),
              batch.map((x) => x.o.cost_usd ?? null),
              batch.map((x) => x.o.input_tokens ?? null),
              batch.map((x) => x.o.output_tokens ?? null),
              batch.map((x) => x.o.output_chars ?? null),
              batch.map((x) => x.o.latency_ms ?? null),
              batch.map((x) => x.r.source),
              id,
            ],
          );
        }
        return toImport(created[0]!);
      });
    },

    async record(tenantId, o) {
      await pool.query(
        `INSERT INTO router_outcomes (tenant_id, prompt_id, model, prompt, prompt_sha256, family, category, score, cost_usd,
           input_tokens, output_tokens, output_chars, latency_ms, source, dataset, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (tenant_id, prompt_id, model) DO UPDATE SET score = EXCLUDED.score, cost_usd = EXCLUDED.cost_usd,
           latency_ms = EXCLUDED.latency_ms, source = EXCLUDED.source, created_at = now()`,
        [tenantId, o.promptId, o.model, o.prompt, o.prompt === null ? null : sha256(o.prompt), o.family, o.category, o.score, o.costUsd,
          o.inputTokens, o.outputTokens, o.outputChars, o.latencyMs, o.source, o.dataset ?? o.source, o.runId],
      );
    },

    async list(tenantId, options = {}) {
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT prompt_id, model, prompt, family, category, score, cost_usd, input_tokens, output_tokens, output_chars, latency_ms, source, dataset, run_id
         FROM router_outcomes WHERE tenant_id = $1 ORDER BY prompt_id, model LIMIT $2`,
        [tenantId, options.limit ?? 1_000_000],
      );
      return rows.map((r) => ({
        promptId: String(r.prompt_id),
        model: String(r.model),
        prompt: (r.prompt as string | null) ?? null,
        family: String(r.family),
        category: String(r.category),
        score: Number(r.score),
        costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
        inputTokens: r.input_tokens === null ? null : Number(r.input_tokens),
        outputTokens: r.output_tokens === null ? null : Number(r.output_tokens),
        outputChars: r.output_chars === null ? null : Number(r.output_chars),
        latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
        source: r.source as OutcomeSource,
        dataset: String(r.dataset),
        runId: (r.run_id as string | null) ?? null,
      }));
    },

    async imports(tenantId) {
      const { rows } = await pool.query<ImportRow>('SELECT * FROM outcome_imports WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC', [tenantId]);
      return rows.map(toImport);
    },

    async summary(tenantId) {
      const { rows } = await pool.query<{ source: string; prompts: string; n: string; models: string[] }>(
        `SELECT source, count(DISTINCT prompt_id) AS prompts, count(*) AS n, array_agg(DISTINCT model) AS models
         FROM router_outcomes WHERE tenant_id = $1 GROUP BY source`,
        [tenantId],
      );
      const { rows: total } = await pool.query<{ prompts: string }>('SELECT count(DISTINCT prompt_id) AS prompts FROM router_outcomes WHERE tenant_id = $1', [tenantId]);
      return {
        prompts: Number(total[0]?.prompts ?? 0),
        outcomeRows: rows.reduce((n, r) => n + Number(r.n), 0),
        bySource: Object.fromEntries(rows.map((r) => [r.source, Number(r.n)])),
        models: [...new Set(rows.flatMap((r) => r.models))].sort(),
      };
    },
  };
}
