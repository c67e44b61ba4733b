import {
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ExperimentActivities } from '../activities/prompts/create-experiment-activities.ts';
import { approverOf, type Approver } from '../core/access/approval-signals.ts';
import { analyzeExperiment, type ExperimentAnalysis } from '../core/experiments/experiment-analysis.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import type {
  ApprovalDecision,
  ExperimentDecisionRecord,
  ExperimentInput,
  ExperimentOutcome,
  ExperimentRecommendation,
  ExperimentState,
  StopReason,
} from '../core/experiments/experiment-types.ts';

// A weeks-long experiment rides out a quarter of an hour of database trouble (20 attempts), then
// fails and says so on its row; bad data (invalid_data) fails the step at once.
const experimentSteps: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 }),
};
const { loadExperimentSamples, updateExperiment, promoteVariant } = proxyActivities<ExperimentActivities>(experimentSteps);

export const experimentStateQuery = defineQuery<ExperimentState>('state');
export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');

/**
 * Marks executions that ignore an approval naming no approver. Histories written before it keep
 * accepting one, so replaying them takes the same path.
 */
const APPROVER_REQUIRED = 'approval-requires-approver';

/** Checks per workflow run before continuing as new, so a weeks-long experiment keeps a short history. */
const CHECKS_PER_RUN = 500;

/**
 * A prompt A/B experiment: collect outcomes until every variant has its sample size, the deadline
 * passes, or the guardrail trips (a treatment significantly worse than the control); then wait
 * for a human's approval signal (or the approval time-out) before promoting the winner to the
 * label (normally `production`). Exposures and outcomes are written by the API; this workflow
 * reads them through an activity and decides with the same pure analysis the results endpoint uses.
 */
export async function promptExperiment(input: ExperimentInput): Promise<ExperimentOutcome> {
  const { config, tenantId, experimentId } = input;
  const state: ExperimentState = { status: 'running', stopReason: null, checks: input.checks, analysis: null, recommendation: null };
  let decision: (Omit<ApprovalDecision, 'by'> & { by: Approver | null }) | undefined;
  setHandler(experimentStateQuery, () => state);
  // Approvals count only once the experiment waits for one; the API refuses them earlier.
  setHandler(approvalSignal, (answer) => {
    if (state.status !== 'awaiting_approval' || decision !== undefined) return;
    // The API sets `by` to the authenticated key; an approval without one is nobody's.
    const approver = approverOf(answer.by) ?? null;
    if (approver === null && patched(APPROVER_REQUIRED)) return;
    decision = { ...answer, by: approver };
  });

  const record = (update: Parameters<ExperimentActivities['updateExperiment']>[0]['update']) => updateExperiment({ tenantId, experimentId, update });
  const analysisConfig = {
    metric: config.metric,
    goal: config.goal,
    confidence: config.confidence,
    minSamplesPerVariant: config.minSamplesPerVariant,
    ...(config.guardrail && { guardrail: config.guardrail }),
  };
  const deadline = input.startedAtMs + config.maxDurationMs;
  const variantNames = config.variants.map((v) => v.name);

  try {
    let analysis: ExperimentAnalysis;
    let stopReason: StopReason;
    for (;;) {
      analysis = analyzeExperiment(await loadExperimentSamples({ experimentId, variants: variantNames }), analysisConfig);
      state.analysis = analysis;
      state.checks++;
      const reason: StopReason | null = analysis.guardrailBreach ? 'guardrail' : analysis.sampleSizeReached ? 'sample_size_reached' : Date.now() >= deadline ? 'deadline' : null;
      if (reason) {
        stopReason = reason;
        break;
      }
      if (state.checks - input.checks >= CHECKS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof promptExperiment>({ ...input, checks: state.checks });
      }
      await sleep(Math.max(1, Math.min(config.checkIntervalMs, deadline - Date.now())));
    }

    const recommended = config.variants.find((v) => v.name === analysis.recommendation.variant) ?? config.variants[0]!;
    const recommendation: ExperimentRecommendation = { variant: recommended.name, version: recommended.version, reason: analysis.recommendation.reason };
    // Accept approvals before the row says so, so an approval the API lets through is never lost.
    state.status = 'awaiting_approval';
    state.stopReason = stopReason;
    state.recommendation = recommendation;
    await record({ status: 'awaiting_approval', stopReason, recommendation, finalResults: analysis });

    const answered = await condition(() => decision !== undefined, config.approvalTimeoutMs);
    let outcome: ExperimentDecisionRecord;
    if (!answered || !decision) {
      state.status = 'approval_timed_out';
      outcome = { decision: 'timeout', by: null, comment: null, variant: null, label: null, fromVersion: null, toVersion: null };
    } else if (decision.decision === 'reject') {
      state.status = 'rejected';
      outcome = { decision: 'reject', by: decision.by, comment: decision.comment ?? null, variant: null, label: null, fromVersion: null, toVersion: null };
    } else {
      const chosen = config.variants.find((v) => v.name === decision!.variant) ?? recommended;
      const move = await promoteVariant({
        tenantId,
        experimentId,
        template: config.template,
        label: config.promoteLabel,
        version: chosen.version,
        variant: chosen.name,
        approvedBy: decision.by,
        comment: decision.comment ?? null,
      });
      state.status = 'promoted';
      outcome = {
        decision: 'approve', by: decision.by, comment: decision.comment ?? null, variant: chosen.name, label: config.promoteLabel, fromVersion: move.fromVersion, toVersion: chosen.version,
      };
    }
    await record({ status: state.status, decision: outcome });
    return { status: state.status, stopReason, recommendation, decision: outcome };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    state.status = isCancellation(err) ? 'cancelled' : 'failed';
    // The row must not keep saying "running" for an experiment that ended.
    await CancellationScope.nonCancellable(() => record({ status: state.status }));
    throw err;
  }
}
