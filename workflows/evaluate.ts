import { ApplicationFailure, defineQuery, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/ops/create-alert-activities.ts';
import { KIND, MODEL, TENANT } from '../platform/temporal/search-attributes.ts';
import type { BatchSummary, EvalActivities } from '../activities/evals/create-eval-activities.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { BAD_DATA_FAILURE } from '../platform/temporal/bad-data-failure.ts';
import { evaluateInputSchema, type CandidateSummary, type EvaluateResult, type PairedComparison } from '../core/evals/eval-types.ts';
import { comparePaired, isRegression } from '../core/evals/paired-comparison.ts';

/** Loading, planning and recording: short, retried a few times. */
const { prepareEvaluation, referenceScores, caseIds, finishEvaluation } = proxyActivities<
  Pick<EvalActivities, 'prepareEvaluation' | 'referenceScores' | 'caseIds' | 'finishEvaluation'>
>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry({ initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 }),
});

/** A regression goes into the platform's alert path (an `alert` run operations can page on). */
const { raiseAlert } = proxyActivities<Pick<AlertActivities, 'raiseAlert'>>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 }),
});

/** One batch of cases: model calls, heartbeated so a dead worker is noticed quickly. */
const { evaluateBatch } = proxyActivities<Pick<EvalActivities, 'evaluateBatch'>>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 }),
});

/** Cases per batch activity: large enough that a 1,000-case suite is 20 activities, not 1,000. */
const BATCH_SIZE = 50;
/** Batch activities in flight at once (each runs `concurrency` cases at once). */
const BATCHES_IN_FLIGHT = 4;

export const evaluateProgress = defineQuery<{ casesDone: number; casesTotal: number }>('evaluateProgress');

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/**
 * Runs an eval suite against one or more candidates and compares each with the baseline on the
 * same cases (paired), then, for scheduled runs, with the last accepted run: a drop beyond the
 * margin that is also significant fails the run (`failed_regression`).
 */
export async function evaluate(raw: unknown): Promise<EvaluateResult> {
  const parsed = evaluateInputSchema.safeParse(raw);
  if (!parsed.success) throw ApplicationFailure.create({ type: BAD_DATA_FAILURE, message: `invalid evaluate input: ${parsed.error.message}`, nonRetryable: true });
  const input = parsed.data;
  if (input.baselineIndex >= input.candidates.length) {
    throw ApplicationFailure.create({ type: BAD_DATA_FAILURE, message: 'baselineIndex is beyond the candidates', nonRetryable: true });
  }
  // The Web UI filters evals by tenant, kind and (baseline) model, whoever started the run.
  upsertSearchAttributes([
    { key: TENANT, value: input.tenantId },
    { key: KIND, value: 'evaluate' },
    { key: MODEL, value: input.candidates[input.baselineIndex]!.model },
  ]);
  const prepared = await prepareEvaluation(input);
  const total = prepared.caseCount * input.candidates.length;
  let done = 0;
  setHandler(evaluateProgress, () => ({ casesDone: done, casesTotal: total }));

  const jobs: Array<{ candidateIndex: number; start: number; end: number }> = [];
  input.candidates.forEach((_, candidateIndex) => {
    for (let start = 0; start < prepared.caseCount; start += BATCH_SIZE) jobs.push({ candidateIndex, start, end: Math.min(prepared.caseCount, start + BATCH_SIZE) });
  });
  const outcomes: BatchSummary[] = new Array(jobs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const at = next;
      next += 1;
      const job = jobs[at]!;
      const candidate = input.candidates[job.candidateIndex]!;
      outcomes[at] = await evaluateBatch({
        tenantId: input.tenantId,
        runId: input.runId,
        suite: input.suite,
        candidateIndex: job.candidateIndex,
        model: prepared.models[job.candidateIndex]!,
        parameters: candidate.parameters ?? {},
        start: job.start,
        end: job.end,
        concurrency: input.concurrency,
      });
      done += job.end - job.start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, jobs.length) }, lane));

  // Jobs were queued candidate by candidate, in case order: concatenating keeps scores aligned by case.
  const perCandidate = input.candidates.map((_, c) => outcomes.filter((_o, i) => jobs[i]!.candidateIndex === c));
  const scores = perCandidate.map((list) => list.flatMap((o) => o.scores));
  const baseline = scores[input.baselineIndex]!;
  const summaries: CandidateSummary[] = input.candidates.map((candidate, c) => {
    const list = perCandidate[c]!;
    const own = scores[c]!;
    const perGrader: CandidateSummary['perGrader'] = {};
    for (const o of list) {
      for (const [name, g] of Object.entries(o.perGrader)) {
        const entry = (perGrader[name] ??= { meanScore: 0, passRate: 0 });
        // Sums first, divided below.
        entry.meanScore += g.scoreSum;
        entry.passRate += g.passed;
      }
    }
    const counts: Record<string, number> = {};
    for (const o of list) for (const [name, g] of Object.entries(o.perGrader)) counts[name] = (counts[name] ?? 0) + g.n;
    for (const [name, entry] of Object.entries(perGrader)) {
      const n = counts[name] || 1;
      entry.meanScore /= n;
      entry.passRate /= n;
    }
    const summary: CandidateSummary = {
      candidate: c,
      label: candidate.label ?? (candidate.prompt ? `${candidate.model} + ${candidate.prompt.name}` : candidate.model),
      meanScore: own.length === 0 ? 0 : own.reduce((s, v) => s + v, 0) / own.length,
      passRate: own.length === 0 ? 0 : own.filter((v) => v >= 1).length / own.length,
      perGrader,
      costUsd: list.reduce((s, o) => s + o.costUsd, 0),
      latencyMsP50: median(list.flatMap((o) => o.latenciesMs)),
      errors: list.reduce((s, o) => s + o.errors, 0),
    };
    if (c !== input.baselineIndex) summary.vsBaseline = comparePaired(baseline, own, { binary: prepared.binary, seed: input.seed });
    return summary;
  });

  let regression: EvaluateResult['regression'];
  if (input.regression) {
    const reference = await referenceScores({ tenantId: input.tenantId, suiteName: input.suite.name, exceptRunId: input.runId });
    let comparison: PairedComparison | null = null;
    if (reference) {
      // Pair on the case ids both runs have (a newer suite version may have added cases).
      const ids = await caseIds({ tenantId: input.tenantId, suite: input.suite });
      const before: number[] = [];
      const after: number[] = [];
      ids.forEach((id, i) => {
        const old = reference.scores[id];
        if (old !== undefined) {
          before.push(old);
          after.push(baseline[i] ?? 0);
        }
      });
      comparison = comparePaired(before, after, { binary: prepared.binary, seed: input.seed, alpha: input.regression.alpha });
    }
    regression = { previousRunId: reference?.runId ?? null, comparison, regressed: comparison !== null && isRegression(comparison, input.regression.margin) };
  }

  const result: EvaluateResult = {
    runId: input.runId,
    status: regression?.regressed ? 'failed_regression' : 'succeeded',
    suite: input.suite,
    cases: prepared.caseCount,
    candidates: summaries,
    ...(regression && { regression }),
    weakJudge: prepared.weakJudge,
  };
  if (regression?.regressed && regression.comparison) {
    const c = regression.comparison;
    const summary = `eval suite ${input.suite.name} v${input.suite.version}: mean score ${c.meanDifference.toFixed(3)} vs run ${regression.previousRunId} (95% CI ${c.ci95[0].toFixed(3)}..${c.ci95[1].toFixed(3)}, p=${c.pValue.toPrecision(3)})`;
    const labels = { alertname: 'EvalRegression', severity: 'ticket', tenant: input.tenantId, suite: input.suite.name };
    await raiseAlert({
      groupKey: `eval-regression:${input.tenantId}:${input.suite.name}:${input.runId}`,
      status: 'firing',
      source: 'evaluate',
      groupLabels: { alertname: 'EvalRegression' },
      commonLabels: labels,
      commonAnnotations: { summary, run: input.runId, workflow: workflowInfo().workflowId },
      alerts: [{ status: 'firing', labels, annotations: { summary }, startsAt: new Date().toISOString(), endsAt: '', fingerprint: `eval-regression/${input.tenantId}/${input.suite.name}` }],
    });
  }
  // A run is a reference for later regression checks when it passed; a regressed run never is.
  await finishEvaluation({ tenantId: input.tenantId, result, accepted: result.status === 'succeeded' });
  return result;
}
