import type { ProviderId } from './provider.ts';
import { isRetryable, type ProviderErrorKind } from './provider-failures.ts';

export type { ProviderErrorKind } from './provider-failures.ts';

/**
 * A provider call that failed, classified into the shared taxonomy (provider-failures.ts):
 * the activity marks it retryable from there, the API maps `kind` to its error codes.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly retryable: boolean;

  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    /** From the provider's Retry-After (or retry-after-ms) header, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.retryable = isRetryable(kind);
  }
}
