import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CompletionInput, ModelCallResult, ProviderFailureDetails } from '../../common/completion-types.ts';
import type { CompletionRecord, CompletionStore } from '../../stores/completions.ts';
import { ProviderError } from '../providers/provider-error.ts';
import type { ProviderSet } from '../providers/provider-set.ts';

export interface CompletionActivityDeps {
  providers: ProviderSet;
  completions: CompletionStore;
}

function toFailure(err: ProviderError): ApplicationFailure {
  const details: ProviderFailureDetails = { provider: err.provider, kind: err.kind };
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

export function createCompletionActivities(deps: CompletionActivityDeps) {
  return {
    async callModel(input: CompletionInput): Promise<ModelCallResult> {
      const provider = deps.providers.get(input.provider);
      if (!provider) {
        throw ApplicationFailure.create({
          type: 'provider_not_configured',
          message: `provider ${input.provider} is not configured on this worker`,
          nonRetryable: true,
        });
      }
      const ctx = Context.current();
      // Heartbeats let Temporal notice a dead worker within heartbeatTimeout instead of
      // waiting out the whole call timeout.
      const beat = setInterval(() => ctx.heartbeat(), Math.max(200, Math.floor(input.heartbeatTimeoutMs / 3)));
      const started = performance.now();
      try {
        const result = await provider.generate({
          model: input.model,
          messages: input.messages,
          ...input.parameters,
          signal: ctx.cancellationSignal,
        });
        return { ...result, latencyMs: performance.now() - started, attempt: ctx.info.attempt };
      } catch (err) {
        if (err instanceof ProviderError) throw toFailure(err);
        throw err;
      } finally {
        clearInterval(beat);
      }
    },

    async recordCompletion(record: CompletionRecord): Promise<void> {
      await deps.completions.record(record);
    },
  };
}

export type CompletionActivities = ReturnType<typeof createCompletionActivities>;
