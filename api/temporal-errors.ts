import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { ProviderFailureDetails } from '../core/completions/completion-types.ts';
import { isProviderFailureKind, type ProviderFailureKind } from '../core/providers/provider-failures.ts';
import { ApiError, type ApiErrorType } from './api-error.ts';
import { toHttpError } from './error-mapping.ts';

interface ProviderErrorMapping {
  status: number;
  type: Extract<ApiErrorType, 'invalid_request_error' | 'rate_limit_error' | 'provider_error' | 'not_found_error'>;
  code: string;
}

/**
 * How a provider failure that Temporal gave up on reaches the caller, for every kind of the
 * failure taxonomy (core/providers/provider-failures.ts: a new kind does not compile until it
 * is answered here). Failures of our provider configuration (auth, permission) are 502s: the
 * caller did nothing wrong. An open breaker ends a run only when it was the last candidate:
 * every model the request allowed is known down, a 503 the caller may retry later (and an
 * availability SLO must not count it as our 500). `undefined`: the run failed unexpectedly (a
 * 500) — an unpriced model is a registry bug.
 */
const PROVIDER_ERRORS: Record<ProviderFailureKind, ProviderErrorMapping | undefined> = {
  rate_limited: { status: 429, type: 'rate_limit_error', code: 'provider_rate_limited' },
  overloaded: { status: 503, type: 'provider_error', code: 'provider_overloaded' },
  server_error: { status: 502, type: 'provider_error', code: 'provider_unavailable' },
  connection: { status: 502, type: 'provider_error', code: 'provider_unavailable' },
  timeout: { status: 504, type: 'provider_error', code: 'provider_timeout' },
  bad_request: { status: 400, type: 'invalid_request_error', code: 'provider_rejected' },
  not_found: { status: 404, type: 'not_found_error', code: 'model_not_found' },
  content_policy: { status: 400, type: 'invalid_request_error', code: 'content_policy' },
  context_length: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  authentication: { status: 502, type: 'provider_error', code: 'provider_auth_failed' },
  permission: { status: 502, type: 'provider_error', code: 'provider_auth_failed' },
  provider_not_configured: { status: 503, type: 'provider_error', code: 'provider_not_configured' },
  circuit_open: { status: 503, type: 'provider_error', code: 'circuit_open' },
  unpriced_model: undefined,
};

/** The innermost ApplicationFailure of a workflow failure, if one caused it. */
function rootApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (current) {
    if (current instanceof ApplicationFailure) return current;
    if (current instanceof ActivityFailure) current = current.cause;
    else return undefined;
  }
  return undefined;
}

/** A run's failure (a provider's, or the run cancelled, terminated or timed out), if `err` is one. */
function fromRunFailure(err: unknown): ApiError | undefined {
  const failure = rootApplicationFailure(err);
  if (failure?.type && isProviderFailureKind(failure.type)) {
    const mapping = PROVIDER_ERRORS[failure.type];
    if (mapping) {
      const details = failure.details?.[0] as ProviderFailureDetails | undefined;
      const headers: Record<string, string> = {};
      if (details?.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(details.retryAfterMs / 1000));
      return new ApiError(mapping.status, mapping.type, mapping.code, `The model provider failed: ${failure.message}`, details, headers);
    }
  }
  const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
  if (cause instanceof CancelledFailure) return new ApiError(409, 'conflict_error', 'run_cancelled', 'The run was cancelled.');
  if (cause instanceof TerminatedFailure) return new ApiError(409, 'conflict_error', 'run_terminated', 'The run was terminated.');
  if (cause instanceof TimeoutFailure) return new ApiError(504, 'api_error', 'run_timed_out', 'The run timed out.');
  return undefined;
}

const runFailedUnexpectedly = (): ApiError =>
  new ApiError(500, 'api_error', 'internal_error', 'The run failed unexpectedly. Quote the request id when reporting it.');

/** Maps what awaiting a run threw to our error shape: the run's failure first, then the one mapper. */
export function toApiError(err: unknown): ApiError {
  return fromRunFailure(err) ?? toHttpError(err, runFailedUnexpectedly);
}
