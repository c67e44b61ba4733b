import { setMaxListeners } from 'node:events';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { BAD_DATA_FAILURE } from '../../platform/temporal/bad-data-failure.ts';
import { planCompletion, type PlanDeps } from '../../core/completions/completion-plan.ts';
import type { ModelCandidate } from '../../core/completions/completion-types.ts';
import type { Embedder } from '../../core/embeddings/embedder.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import type { EvaluateInput, EvaluateResult, EvalSuiteVersion } from '../../core/evals/eval-types.ts';
import { BINARY_GRADERS } from '../../core/evals/eval-types.ts';
import { runCaseBatch } from '../../core/evals/run-case-batch.ts';
import type { ProviderSet } from '../../core/providers/provider-set.ts';
import type { EvalRunStore } from '../../stores/eval-runs.ts';
import type { EvalSuiteStore } from '../../stores/eval-suites.ts';

export interface EvalActivityDeps {
  plan: PlanDeps;
  providers: ProviderSet;
  embedder?: Embedder;
  suites: Pick<EvalSuiteStore, 'get'>;
  runs: EvalRunStore;
}

export interface PreparedEvaluation {
  caseCount: number;
  /** The planned model per candidate, in input order. */
  models: ModelCandidate[];
  /** Every grader scores 0/1: the comparison's p-value is McNemar's exact test. */
  binary: boolean;
  weakJudge: boolean;
}

export interface BatchInput {
  tenantId: string;
  runId: string;
  suite: { name: string; version: number };
  candidateIndex: number;
  model: ModelCandidate;
  parameters: { maxTokens?: number; temperature?: number };
  start: number;
  end: number;
  concurrency: number;
}

/** What a batch hands back to the workflow: scores only (answers stay in Postgres, out of the history). */
export interface BatchSummary {
  scores: number[];
  latenciesMs: number[];
  costUsd: number;
  errors: number;
  perGrader: Record<string, { scoreSum: number; passed: number; n: number }>;
}

function badData(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: BAD_DATA_FAILURE, message, nonRetryable: true });
}

/** The side effects of workflows/evaluate.ts: load and plan, run batches, read the reference run, record the outcome. */
export function createEvalActivities(deps: EvalActivityDeps) {
  // A suite version is immutable, so every batch of a run may reuse one read of it.
  const cache = new Map<string, EvalSuiteVersion>();
  const suiteOf = async (tenantId: string, suite: { name: string; version: number }): Promise<EvalSuiteVersion> => {
    const key = `${tenantId}\u0000${suite.name}\u0000${suite.version}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const found = await deps.suites.get(tenantId, suite.name, { version: suite.version });
    if (!found) throw badData(`eval suite ${suite.name} version ${suite.version} does not exist`);
    if (cache.size > 64) cache.clear();
    cache.set(key, found);
    return found;
  };
  return {
    async prepareEvaluation(input: EvaluateInput): Promise<PreparedEvaluation> {
      const suite = await suiteOf(input.tenantId, input.suite);
      const firstMessages = suite.cases.find((c) => c.messages)?.messages ?? [{ role: 'user' as const, content: '' }];
      const models: ModelCandidate[] = [];
      for (const candidate of input.candidates) {
        try {
          const planned = await planCompletion(
            deps.plan,
            { tenantId: input.tenantId, keyId: input.apiKeyId },
            { model: candidate.model, background: true, ...(candidate.parameters?.maxTokens !== undefined && { max_tokens: candidate.parameters.maxTokens }) },
            firstMessages,
          );
          const first = planned.candidates[0];
          if (!first) throw badData(`model ${candidate.model} has no callable candidate`);
          models.push(first);
        } catch (error) {
          if (error instanceof DomainError) throw badData(`candidate ${candidate.model}: ${error.publicMessage}`);
          throw error;
        }
      }
      await deps.runs.start({ tenantId: input.tenantId, id: input.runId, suite: input.suite, candidates: input.candidates, ...(input.regression?.scheduleId !== undefined && { scheduleId: input.regression.scheduleId }) });
      const graders = [...suite.graders, ...suite.cases.flatMap((c) => c.graders ?? [])];
      return {
        caseCount: suite.cases.length,
        models,
        binary: graders.every((g) => BINARY_GRADERS.has(g.type)),
        weakJudge: graders.some((g) => g.type === 'model_rubric' && g.judgeModel.startsWith('local/')),
      };
    },

    async evaluateBatch(input: BatchInput): Promise<BatchSummary> {
      const suite = await suiteOf(input.tenantId, input.suite);
      const cases = suite.cases.slice(input.start, input.end).map((c, i) => ({ ...c, index: input.start + i }));
      const ctx = Context.current();
      // Every in-flight provider call (and the SDK under it) listens for the activity's cancellation.
      setMaxListeners(input.concurrency * 8 + 10, ctx.cancellationSignal);
      const beat = setInterval(() => ctx.heartbeat(), 2_000);
      try {
        const results = await runCaseBatch(
          { providers: deps.providers, signal: ctx.cancellationSignal, ...(deps.embedder && { embedder: deps.embedder }) },
          { candidateIndex: input.candidateIndex, model: input.model, parameters: input.parameters, graders: suite.graders, cases, concurrency: input.concurrency },
        );
        await deps.runs.saveResults(input.tenantId, input.runId, results);
        const perGrader: BatchSummary['perGrader'] = {};
        for (const r of results) {
          for (const g of r.grades) {
            const entry = (perGrader[g.grader] ??= { scoreSum: 0, passed: 0, n: 0 });
            entry.scoreSum += g.score;
            entry.passed += g.passed ? 1 : 0;
            entry.n += 1;
          }
        }
        return {
          scores: results.map((r) => r.score),
          latenciesMs: results.map((r) => Math.round(r.latencyMs * 10) / 10),
          costUsd: results.reduce((s, r) => s + r.costUsd, 0),
          errors: results.filter((r) => r.error !== null).length,
          perGrader,
        };
      } finally {
        clearInterval(beat);
      }
    },

    /** The last accepted run of the suite: its id and its baseline candidate's score per case id. */
    async referenceScores(input: { tenantId: string; suiteName: string; exceptRunId: string }): Promise<{ runId: string; scores: Record<string, number> } | null> {
      const previous = await deps.runs.lastAccepted(input.tenantId, input.suiteName, input.exceptRunId);
      if (!previous) return null;
      const rows = await deps.runs.results(input.tenantId, previous.id, { candidate: 0 });
      return { runId: previous.id, scores: Object.fromEntries(rows.map((r) => [r.caseId, r.score])) };
    },

    async caseIds(input: { tenantId: string; suite: { name: string; version: number } }): Promise<string[]> {
      return (await suiteOf(input.tenantId, input.suite)).cases.map((c) => c.id);
    },

    async finishEvaluation(input: { tenantId: string; result: EvaluateResult; accepted: boolean }): Promise<void> {
      await deps.runs.finish(input.tenantId, input.result.runId, input.result, input.accepted);
    },
  };
}

export type EvalActivities = ReturnType<typeof createEvalActivities>;
