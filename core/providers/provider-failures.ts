/**
 * The one failure taxonomy of a model call. Every kind declares here, once, what the chain does
 * after it; the activity (which marks a failure retryable or not), the completion workflow
 * (its retry policy and its walk along the fallback chain) and the API (whose error table is
 * keyed by these kinds, so a new kind without an HTTP mapping does not compile) all read it.
 *
 * Pure (no imports): the workflow loads it.
 */

/**
 * - `retry`: the provider's trouble, likely passing: Temporal retries the same model with
 *   backoff, and when the attempts run out the next candidate takes over.
 * - `hand_over`: this model cannot answer now, another may: straight to the next candidate.
 * - `larger_context`: the request is too long for this model: only a candidate with a larger
 *   context window may take over.
 * - `stop`: the request itself is refused (every model would refuse it), or our setup is wrong
 *   in a way another model does not fix: the run fails.
 */
export type FailureClass = 'retry' | 'hand_over' | 'larger_context' | 'stop';

export const PROVIDER_FAILURES = {
  rate_limited: 'retry', // 429
  overloaded: 'retry', // 529 (Anthropic) or 503
  server_error: 'retry', // other 5xx
  timeout: 'retry',
  connection: 'retry',
  bad_request: 'stop', // 400, 422
  authentication: 'stop', // 401
  permission: 'stop', // 402 (billing), 403
  not_found: 'stop', // 404 (unknown model)
  content_policy: 'stop',
  context_length: 'larger_context',
  // Raised by the activity or the workflow rather than by a provider.
  provider_not_configured: 'hand_over', // the worker has no client for the candidate's provider
  circuit_open: 'hand_over', // the model's breaker is open: everyone sees it failing
  unpriced_model: 'stop', // a candidate without a registry price: never paid for outside budgets
} as const satisfies Record<string, FailureClass>;

export type ProviderFailureKind = keyof typeof PROVIDER_FAILURES;

/** The kinds a provider adapter classifies its errors into; the others are raised around the call. */
export type ProviderErrorKind = Exclude<ProviderFailureKind, 'provider_not_configured' | 'circuit_open' | 'unpriced_model'>;

export function isProviderFailureKind(kind: string): kind is ProviderFailureKind {
  return Object.hasOwn(PROVIDER_FAILURES, kind);
}

/** The class of a failure type as it comes back from Temporal; an unknown type stops the chain. */
export function failureClass(kind: string): FailureClass {
  return isProviderFailureKind(kind) ? PROVIDER_FAILURES[kind] : 'stop';
}

/** Whether Temporal retries the same model after this failure. */
export const isRetryable = (kind: string): boolean => failureClass(kind) === 'retry';

/** For the workflow's retry policy: every kind that retrying cannot fix. */
export const NON_RETRYABLE_PROVIDER_FAILURES: readonly ProviderFailureKind[] = (Object.keys(PROVIDER_FAILURES) as ProviderFailureKind[]).filter(
  (kind) => PROVIDER_FAILURES[kind] !== 'retry',
);
