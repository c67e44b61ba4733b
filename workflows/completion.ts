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
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { CompletionActivities } from '../activities/completion/create-completion-activities.ts';
import type {
  CandidateOutcome,
  ChatMessage,
  CompletionInput,
  CompletionResult,
  CompletionStatus,
  InjectedPassage,
  ModelCandidate,
  ProviderFailureDetails,
} from '../core/completions/completion-types.ts';
import { failureClass, NON_RETRYABLE_PROVIDER_FAILURES } from '../core/providers/provider-failures.ts';
import type { MemoryActivities } from '../activities/memory/create-memory-activities.ts';
import { renderSources, type ContextPassage } from '../core/memory/context-passages.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';

const MEMORY_INSTRUCTIONS =
  'Relevant context retrieved from memory follows, numbered. Use it when it helps; cite a passage you rely on by its number in square brackets, e.g. [1].';

/** The messages with retrieved passages in a system message before the conversation. */
function withMemory(messages: ChatMessage[], passages: ContextPassage[]): ChatMessage[] {
  if (passages.length === 0) return messages;
  const context: ChatMessage = { role: 'system', content: `${MEMORY_INSTRUCTIONS}\n\n${renderSources(passages)}` };
  const leading = messages.findIndex((m) => m.role !== 'system');
  const at = leading === -1 ? messages.length : leading;
  return [...messages.slice(0, at), context, ...messages.slice(at)];
}

// Recording is a quick local write: a local activity saves a task round trip on every run. Twenty
// attempts ride out about a minute and a half of database trouble; then the run fails rather than
// waiting for ever.
const recording: LocalActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 20 }),
};
const retrieval: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 }),
};
const { recordCompletion, appendToConversation } = proxyLocalActivities<CompletionActivities>(recording);
const { retrieveContext } = proxyLocalActivities<MemoryActivities>(retrieval);

export const statusQuery = defineQuery<CompletionStatus>('status');

function failureOf(err: unknown): { kind: string; details?: ProviderFailureDetails } {
  // A local activity's failure reaches the workflow as the ApplicationFailure itself.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type) {
    return { kind: cause.type, details: cause.details?.[0] as ProviderFailureDetails | undefined };
  }
  return { kind: 'unknown' };
}

/**
 * The next candidate to try after `failed` gave up with `kind`, or undefined to stop, as the
 * failure taxonomy (provider-failures.ts) classes the kind: the provider's trouble hands over,
 * "context too long" only moves to a model with a larger context window, and request errors
 * (400, 401, content policy) stop the chain, since every model would refuse them.
 */
function nextCandidate(candidates: ModelCandidate[], index: number, kind: string): number | undefined {
  const failed = candidates[index]!;
  const next = failureClass(kind);
  for (let i = index + 1; i < candidates.length; i++) {
    if (next === 'retry' || next === 'hand_over') return i;
    if (next === 'larger_context' && (candidates[i]!.contextWindow ?? 0) > (failed.contextWindow ?? Number.MAX_SAFE_INTEGER)) return i;
  }
  return undefined;
}

/**
 * One chat completion: walk the fallback chain (each candidate an activity with its own retry
 * policy), then record the outcome once. The chain is readable in the Web UI: every activity
 * is summarised with its model and place in the chain.
 */
export async function completion(input: CompletionInput): Promise<CompletionResult> {
  const history: CandidateOutcome[] = [];
  const first = input.candidates[0]!;
  const status: CompletionStatus = { stage: 'calling_model', provider: first.provider, model: first.modelId, fallbackDepth: 0, history };
  setHandler(statusQuery, () => status);
  const runId = workflowInfo().workflowId;
  let messages = input.messages;
  let injected: InjectedPassage[] | undefined;
  if (input.memory) {
    const { query, k, budgetTokens, collections, conversationId, documents, conversations } = input.memory;
    const passages = await retrieveContext({ tenantId: input.tenantId, query, k, budgetTokens, collections, conversationId, documents, conversations });
    messages = withMemory(messages, passages);
    injected = passages.map((p) => ({ label: p.label, id: p.id, source: p.source }));
  }

  let index: number | undefined = 0;
  let lastError: unknown;
  while (index !== undefined) {
    const candidate = input.candidates[index]!;
    if (candidate.breakerOpen) {
      // Known open when the run started: no activity, no task round trip, straight to the next.
      history.push({ model: candidate.modelId, provider: candidate.provider, outcome: 'skipped', error: 'circuit_open', attempts: 0 });
      lastError = ApplicationFailure.create({ type: 'circuit_open', message: `circuit breaker open for ${candidate.modelId}`, nonRetryable: true });
      index = nextCandidate(input.candidates, index, 'circuit_open');
      continue;
    }
    Object.assign(status, { provider: candidate.provider, model: candidate.modelId, fallbackDepth: index });
    // Per candidate, since the bound (PROVIDER_MAX_ATTEMPTS, 1..20) comes with the run's input.
    const retry = boundedRetry({
      initialInterval: '500 milliseconds',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: [...NON_RETRYABLE_PROVIDER_FAILURES],
    });
    const summary = index === 0 ? candidate.modelId : `${candidate.modelId} (fallback ${index})`;
    const { callModel } =
      input.callMode === 'local'
        ? proxyLocalActivities<CompletionActivities>({ startToCloseTimeout: input.callTimeoutMs + 5_000, summary, retry })
        : proxyActivities<CompletionActivities>({ startToCloseTimeout: input.callTimeoutMs + 5_000, heartbeatTimeout: input.heartbeatTimeoutMs, summary, retry });
    try {
      const call = await callModel({
        tenantId: input.tenantId,
        runId,
        requestedModel: input.requestedModel,
        candidate,
        fallbackDepth: index,
        messages,
        parameters: input.parameters,
        heartbeatTimeoutMs: input.heartbeatTimeoutMs,
        ...(input.stream && { stream: true }),
        ...(input.tools && input.tools.length > 0 && { tools: input.tools }),
        ...(input.toolChoice !== undefined && { toolChoice: input.toolChoice }),
        ...(input.parallelToolCalls !== undefined && { parallelToolCalls: input.parallelToolCalls }),
        ...(input.responseFormat !== undefined && { responseFormat: input.responseFormat }),
      });
      history.push({ model: candidate.modelId, provider: candidate.provider, outcome: 'answered', attempts: call.attempt });
      const result: CompletionResult = {
        ...call,
        provider: candidate.provider,
        requestedModel: input.requestedModel,
        modelId: candidate.modelId,
        fallbackDepth: index,
        history,
        ...(input.routing && { routing: input.routing }),
        ...(input.budgetDowngrade && { budgetDowngrade: input.budgetDowngrade }),
        ...(input.prompt && { prompt: input.prompt }),
        ...(input.policy && { policy: input.policy }),
        ...(input.conversation && { conversationId: input.conversation.id }),
        ...(injected && { injected }),
      };
      status.stage = 'recording';
      await recordCompletion({ status: 'completed', runId, tenantId: input.tenantId, apiKeyId: input.apiKeyId ?? null, result });
      if (input.conversation) {
        // The new turn and its answer join the conversation once, whatever retries happen.
        await appendToConversation({
          tenantId: input.tenantId,
          conversationId: input.conversation.id,
          runId,
          // An answer that calls tools keeps its calls: the next turn's tool results answer them.
          messages: [...input.conversation.append, { role: 'assistant', content: call.text, ...(call.toolCalls && call.toolCalls.length > 0 && { toolCalls: call.toolCalls }) }],
        });
      }
      status.stage = 'completed';
      return result;
    } catch (err) {
      lastError = err;
      if (isCancellation(err)) break;
      const { kind, details } = failureOf(err);
      // A breaker that opened mid-retries stops the candidate at that attempt; calls made = attempt - 1.
      const attempt = details?.attempt ?? 1;
      const calls = kind === 'circuit_open' ? attempt - 1 : attempt;
      history.push({ model: candidate.modelId, provider: candidate.provider, outcome: calls === 0 ? 'skipped' : 'failed', error: kind, attempts: calls });
      index = nextCandidate(input.candidates, index, kind);
    }
  }

  status.stage = 'failed';
  const errorKind = isCancellation(lastError) ? 'cancelled' : failureOf(lastError).kind;
  const last = history.at(-1);
  // Even a cancelled run leaves its record, so Postgres never loses a run Temporal knows of.
  await CancellationScope.nonCancellable(() =>
    recordCompletion({
      status: 'failed',
      runId,
      tenantId: input.tenantId,
      apiKeyId: input.apiKeyId ?? null,
      requestedModel: input.requestedModel,
      provider: last?.provider ?? first.provider,
      model: last?.model ?? first.modelId,
      errorKind,
      history,
      ...(input.prompt && { prompt: input.prompt }),
    }),
  );
  throw lastError;
}
