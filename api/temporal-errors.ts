import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { ProviderFailureDetails } from '../core/completions/completion-types.ts';
import { ApiError } from './api-error.ts';

interface ProviderErrorMapping {
  status: number;
  type: 'invalid_request_error' | 'rate_limit_error' | 'provider_error' | 'not_found_error';
  code: string;
}

/**
 * How a provider failure that Temporal gave up on reaches the caller. Failures of our provider
 * configuration (auth, permission) are 502s: the caller did nothing wrong.
 */
const PROVIDER_ERRORS: Record<string, ProviderErrorMapping> = {
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

/** Maps the failure of a completion run to our error shape. */
export function toApiError(err: unknown): ApiError {
  const failure = rootApplicationFailure(err);
  if (failure?.type) {
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
  if (err instanceof ApiError) return err;
  return new ApiError(500, 'api_error', 'internal_error', 'The run failed unexpectedly. Quote the request id when reporting it.');
}
