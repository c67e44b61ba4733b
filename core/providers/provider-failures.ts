/**
 * Provider failure types that retrying cannot fix. Shared by the activity (which marks the
 * failure non-retryable) and the workflow's retry policy, so the two can never disagree.
 */
export const NON_RETRYABLE_PROVIDER_FAILURES: readonly string[] = [
  'bad_request',
  'authentication',
  'permission',
  'not_found',
  'content_policy',
  'context_length',
  'provider_not_configured',
];
