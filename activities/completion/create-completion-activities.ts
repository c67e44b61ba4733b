import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ChatMessage, ModelCallInput, ModelCallResult, ProviderFailureDetails } from '../../core/completions/completion-types.ts';
import type { ConversationStore, StoredMessage } from '../../stores/conversations.ts';
import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';
import type { CompletionRecord, CompletionStore } from '../../stores/completions.ts';
import type { MetricsSink } from '../../stores/metrics/metrics-sink.ts';
import { ProviderError } from '../../core/providers/provider-error.ts';
import { isRetryable, type ProviderErrorKind, type ProviderFailureKind } from '../../core/providers/provider-failures.ts';
import type { GenerateRequest, GenerateResult } from '../../core/providers/provider.ts';
import type { ProviderSet } from '../../core/providers/provider-set.ts';
import { costUsd } from '../../core/routing/model-spec.ts';
import { toStoredTurn } from '../../core/completions/conversation-turns.ts';
import type { RunStreamBus } from '../../stores/run-streams/run-stream-bus.ts';
import type { BreakerGate } from './breaker-gate.ts';
import { collectStream } from './collect-stream.ts';
import { createStreamRelay, type StreamRelay } from './stream-relay.ts';

export interface CompletionActivityDeps {
  providers: ProviderSet;
  completions: CompletionStore;
  breakers: BreakerGate;
  metrics: MetricsSink;
  conversations: ConversationStore;
  /** Told about stored conversation messages (to embed them for search). */
  onMessages?: (tenantId: string, messages: StoredMessage[]) => void;
  /** Where streamed runs' tokens go; without one, streamed calls still answer, silently. */
  streams?: RunStreamBus;
  /** Reports trouble that must not fail the call (a stream publish that did not go through). */
  warn?: (message: string) => void;
}

/** The failures this activity raises itself, before any provider is called. */
type AroundCallFailureKind = Exclude<ProviderFailureKind, ProviderErrorKind>;

function toFailure(err: ProviderError, attempt: number, model: string): ApplicationFailure {
  const details: ProviderFailureDetails = { provider: err.provider, kind: err.kind, attempt, model };
  if (err.status !== undefined) details.status = err.status;
  if (err.retryAfterMs !== undefined) details.retryAfterMs = err.retryAfterMs;
  return ApplicationFailure.create({
    type: err.kind,
    message: err.message,
    nonRetryable: !err.retryable,
    details: [details],
    // The provider said when to come back: that beats our own backoff schedule.
    ...(err.retryable && err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
  });
}

/** Workflow inputs are data from history, not checked types: a price must really be there. */
function isPriced(pricing: ModelCallInput['candidate']['pricing'] | null | undefined): boolean {
  return pricing != null && Number.isFinite(pricing.inputPerMTok) && Number.isFinite(pricing.outputPerMTok) && pricing.inputPerMTok >= 0 && pricing.outputPerMTok >= 0;
}

export function createCompletionActivities(deps: CompletionActivityDeps) {
  return {
    /** One attempt at one candidate of the chain; Temporal retries it, the workflow moves along the chain. */
    async callModel(input: ModelCallInput): Promise<ModelCallResult> {
      const { candidate } = input;
      const ctx = Context.current();
      const attempt = ctx.info.attempt;
      const ref = { model: candidate.modelId, provider: candidate.provider, attempt, fallbackDepth: input.fallbackDepth };
      const relay: StreamRelay | undefined =
        input.stream && deps.streams
          ? createStreamRelay(deps.streams, input.runId, (err) => deps.warn?.(`stream publish failed for ${input.runId}: ${err instanceof Error ? err.message : String(err)}`))
          : undefined;
      /** Tells the stream's reader why this attempt ended, before the failure reaches the workflow. */
      const failed = async (error: string) => {
        if (!relay) return;
        relay.push({ type: 'attempt_failed', error, ...ref });
        await relay.flush();
      };
      /** A failure raised around the call; whether Temporal retries it is the failure table's word. */
      const refusal = (kind: AroundCallFailureKind, message: string) =>
        ApplicationFailure.create({
          type: kind,
          message,
          nonRetryable: !isRetryable(kind),
          details: [{ provider: candidate.provider, kind, attempt, model: candidate.modelId } satisfies ProviderFailureDetails],
        });
      const provider = deps.providers.get(candidate.provider);
      if (!provider) {
        await failed('provider_not_configured');
        throw refusal('provider_not_configured', `provider ${candidate.provider} is not configured on this worker`);
      }
      // A run started before only registry models were callable may carry an unpriced
      // candidate: refuse it before the provider is paid, rather than answer outside budgets.
      if (!isPriced(candidate.pricing)) {
        await failed('unpriced_model');
        throw refusal('unpriced_model', `model ${candidate.modelId} has no price in the registry; register it with PUT /v1/admin/models/{id}`);
      }
      const gate = await deps.breakers.verdict(candidate.modelId);
      if (gate.verdict === 'skip') {
        await failed('circuit_open');
        // Skip at once rather than wait out a timeout on a model everyone sees failing.
        throw refusal('circuit_open', `circuit breaker open for ${candidate.modelId}`);
      }
      const metric = (fields: Pick<ModelAttemptMetric, 'status' | 'errorClass' | 'latencyMs' | 'ttftMs' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'simulated'>) =>
        deps.metrics.record({
          ts: startedAt,
          tenantId: input.tenantId,
          runId: input.runId,
          attempt,
          fallbackDepth: input.fallbackDepth,
          requestedModel: input.requestedModel,
          model: candidate.modelId,
          provider: candidate.provider,
          ...fields,
        });
      // Heartbeats let Temporal notice a dead worker within heartbeatTimeout instead of
      // waiting out the whole call timeout.
      // (Local activities have no heartbeats: their workflow task times out instead.)
      const beat = ctx.info.isLocal ? undefined : setInterval(() => ctx.heartbeat(), Math.max(200, Math.floor(input.heartbeatTimeoutMs / 3)));
      const startedAt = Date.now();
      const started = performance.now();
      const request: GenerateRequest = {
        model: candidate.providerModel,
        messages: input.messages,
        ...input.parameters,
        ...(input.tools && input.tools.length > 0 && { tools: input.tools }),
        ...(input.toolChoice !== undefined && { toolChoice: input.toolChoice }),
        ...(input.parallelToolCalls !== undefined && { parallelToolCalls: input.parallelToolCalls }),
        ...(input.responseFormat !== undefined && { responseFormat: input.responseFormat }),
        signal: ctx.cancellationSignal,
      };
      try {
        let ttftMs: number | null = null;
        let result: GenerateResult;
        if (relay) {
          relay.push({ type: 'attempt', ...ref });
          ({ ttftMs, ...result } = await collectStream(provider, request, relay, started));
          relay.push({ type: 'attempt_done', ...ref });
          await relay.flush();
        } else {
          result = await provider.generate(request);
        }
        const latencyMs = performance.now() - started;
        const cost = costUsd(candidate, result.usage.inputTokens, result.usage.outputTokens);
        metric({ status: 'ok', errorClass: null, latencyMs, ttftMs, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, costUsd: cost, simulated: result.simulated });
        await deps.breakers.onSuccess(candidate.modelId, gate.verdict, gate.failures);
        return { ...result, latencyMs, attempt, costUsd: cost };
      } catch (err) {
        await failed(err instanceof ProviderError ? err.kind : ctx.cancellationSignal.aborted ? 'cancelled' : 'unknown');
        if (!(err instanceof ProviderError)) throw err;
        metric({ status: 'error', errorClass: err.kind, latencyMs: performance.now() - started, ttftMs: null, inputTokens: 0, outputTokens: 0, costUsd: 0, simulated: false });
        // Only the provider's own trouble counts against it; a bad request is the caller's.
        if (err.retryable) await deps.breakers.onFailure(candidate.modelId).catch(() => undefined);
        throw toFailure(err, attempt, candidate.modelId);
      } finally {
        clearInterval(beat);
      }
    },

    async recordCompletion(record: CompletionRecord): Promise<void> {
      await deps.completions.record(record);
    },

    /** Idempotent by run id; a conversation deleted meanwhile is simply not written to. */
    async appendToConversation(input: { tenantId: string; conversationId: string; runId: string; messages: ChatMessage[] }): Promise<void> {
      // Tool turns travel in row metadata (conversation-turns.ts).
      const stored = await deps.conversations.append(input.tenantId, input.conversationId, input.messages.map(toStoredTurn), input.runId);
      if (stored) deps.onMessages?.(input.tenantId, stored);
    },
  };
}

export type CompletionActivities = ReturnType<typeof createCompletionActivities>;
