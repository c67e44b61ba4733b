import type { ProviderId } from './provider.ts';

/**
 * Failure classes shared by every provider. The workflow's retry policy keys off `retryable`;
 * the API maps `kind` to its error codes.
 */
export type ProviderErrorKind =
  | 'rate_limited' // 429
  | 'overloaded' // 529 (Anthropic) or 503
  | 'server_error' // other 5xx
  | 'timeout'
  | 'connection'
  | 'bad_request' // 400, 422
  | 'authentication' // 401
  | 'permission' // 403
  | 'not_found' // 404 (unknown model)
  | 'content_policy'
  | 'context_length';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set<ProviderErrorKind>([
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'connection',
]);

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
    this.retryable = RETRYABLE.has(kind);
  }
}
