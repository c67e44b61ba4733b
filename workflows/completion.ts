import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CompletionActivities } from '../activities/completion/create-completion-activities.ts';
import type { CompletionInput, CompletionResult, CompletionStatus } from '../common/completion-types.ts';
import { NON_RETRYABLE_PROVIDER_FAILURES } from '../common/provider-failures.ts';

// Recording is a quick local write: a local activity saves a task round trip on every run.
const { recordCompletion } = proxyLocalActivities<CompletionActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

export const statusQuery = defineQuery<CompletionStatus>('status');

/** One chat completion: call the provider (retried by Temporal), then record the outcome once. */
export async function completion(input: CompletionInput): Promise<CompletionResult> {
  const status: CompletionStatus = { stage: 'calling_model', provider: input.provider, model: input.model };
  setHandler(statusQuery, () => status);

  const { callModel } = proxyActivities<CompletionActivities>({
    startToCloseTimeout: input.callTimeoutMs + 5_000,
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: {
      initialInterval: '500 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: [...NON_RETRYABLE_PROVIDER_FAILURES],
    },
  });

  const runId = workflowInfo().workflowId;
  try {
    const call = await callModel(input);
    const result: CompletionResult = { ...call, provider: input.provider, requestedModel: input.requestedModel, ...(input.prompt && { prompt: input.prompt }) };
    status.stage = 'recording';
    await recordCompletion({ status: 'completed', runId, tenantId: input.tenantId, result });
    status.stage = 'completed';
    return result;
  } catch (err) {
    status.stage = 'failed';
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    const errorKind = isCancellation(err) ? 'cancelled' : cause instanceof ApplicationFailure && cause.type ? cause.type : 'unknown';
    // Even a cancelled run leaves its record, so Postgres never loses a run Temporal knows of.
    await CancellationScope.nonCancellable(() => recordCompletion({
      status: 'failed',
      runId,
      tenantId: input.tenantId,
      requestedModel: input.requestedModel,
      provider: input.provider,
      model: input.model,
      errorKind,
      ...(input.prompt && { prompt: input.prompt }),
    }));
    throw err;
  }
}
