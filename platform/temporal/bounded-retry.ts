/**
 * The only way a workflow declares an activity retry policy. Temporal's default retries for
 * ever (no `maximumAttempts`, or 0, means unlimited), so one poison value can keep a run alive
 * indefinitely; this helper makes the bound a required, checked argument and always lists the
 * bad-data failure as non-retryable. Pure: workflows import it.
 * test/poison-proof.test.ts checks every proxyActivities/proxyLocalActivities call in workflows/
 * takes its `retry` from here.
 */
import type { RetryPolicy } from '@temporalio/common';
import { BAD_DATA_FAILURE } from './bad-data-failure.ts';

export interface BoundedRetryPolicy extends RetryPolicy {
  /** At least 1; Temporal reads 0 or a missing value as "retry for ever". */
  maximumAttempts: number;
}

export function boundedRetry(policy: BoundedRetryPolicy): RetryPolicy {
  if (!Number.isInteger(policy.maximumAttempts) || policy.maximumAttempts < 1) {
    throw new TypeError(`maximumAttempts must be a whole number of at least 1, got ${policy.maximumAttempts}`);
  }
  const nonRetryable = new Set([BAD_DATA_FAILURE, ...(policy.nonRetryableErrorTypes ?? [])]);
  return { ...policy, nonRetryableErrorTypes: [...nonRetryable] };
}
