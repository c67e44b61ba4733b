import type { CandidateOutcome, CompletionResult, ProviderId } from '../core/completions/completion-types.ts';
import type { PromptReference } from '../core/prompts/prompt-types.ts';
import type { Pool } from '../platform/db/pool.ts';

export type CompletionRecord =
  | { status: 'completed'; runId: string; tenantId: string; apiKeyId: string | null; result: CompletionResult }
  | {
      status: 'failed';
      runId: string;
      tenantId: string;
      apiKeyId: string | null;
      requestedModel: string;
      provider: ProviderId;
      model: string;
      errorKind: string;
      history: CandidateOutcome[];
      prompt?: PromptReference;
    };

export interface StoredCompletion {
  runId: string;
  tenantId: string;
  status: 'completed' | 'failed';
  requestedModel: string;
  provider: string;
  model: string;
  finishReason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  attempts: number | null;
  simulated: boolean;
  errorKind: string | null;
  outputText: string | null;
  /** The template version the prompt came from, when the request named one. */
  promptTemplate: string | null;
  promptVersion: number | null;
  createdAt: Date;
}

export function createCompletionStore(pool: Pool) {
  return {
    /**
     * Idempotent by run id: a retried activity or a worker that crashed after the insert but
     * before reporting success writes nothing the second time.
     */
    async record(record: CompletionRecord): Promise<void> {
      if (record.status === 'completed') {
        const r = record.result;
        await pool.query(
          `INSERT INTO completions (run_id, tenant_id, status, requested_model, provider, model, finish_reason,
             input_tokens, output_tokens, latency_ms, attempts, simulated, output_text, prompt_template, prompt_version,
             fallback_depth, cost_usd, history, routing, api_key_id)
           VALUES ($1, $2, 'completed', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
           ON CONFLICT (run_id) DO NOTHING`,
          [record.runId, record.tenantId, r.requestedModel, r.provider, r.modelId, r.finishReason,
            r.usage.inputTokens, r.usage.outputTokens, Math.round(r.latencyMs), r.attempt, r.simulated, r.text,
            r.prompt?.name ?? null, r.prompt?.version ?? null,
            r.fallbackDepth, r.costUsd, JSON.stringify(r.history), r.routing ? JSON.stringify(r.routing) : null, record.apiKeyId],
        );
        return;
      }
      await pool.query(
        `INSERT INTO completions (run_id, tenant_id, status, requested_model, provider, model, error_kind, prompt_template, prompt_version,
           fallback_depth, history, api_key_id)
         VALUES ($1, $2, 'failed', $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (run_id) DO NOTHING`,
        [record.runId, record.tenantId, record.requestedModel, record.provider, record.model, record.errorKind,
          record.prompt?.name ?? null, record.prompt?.version ?? null, Math.max(0, record.history.length - 1), JSON.stringify(record.history), record.apiKeyId],
      );
    },

    async get(tenantId: string, runId: string): Promise<StoredCompletion | undefined> {
      const { rows } = await pool.query<Record<string, unknown>>(
        'SELECT * FROM completions WHERE tenant_id = $1 AND run_id = $2',
        [tenantId, runId],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        runId: row.run_id as string,
        tenantId: row.tenant_id as string,
        status: row.status as 'completed' | 'failed',
        requestedModel: row.requested_model as string,
        provider: row.provider as string,
        model: row.model as string,
        finishReason: row.finish_reason as string | null,
        inputTokens: row.input_tokens as number | null,
        outputTokens: row.output_tokens as number | null,
        latencyMs: row.latency_ms as number | null,
        attempts: row.attempts as number | null,
        simulated: row.simulated as boolean,
        errorKind: row.error_kind as string | null,
        outputText: row.output_text as string | null,
        promptTemplate: (row.prompt_template as string | null) ?? null,
        promptVersion: (row.prompt_version as number | null) ?? null,
        createdAt: row.created_at as Date,
      };
    },
  };
}

export type CompletionStore = ReturnType<typeof createCompletionStore>;
