import type { AddressBlockReason } from './address-classification.ts';

/**
 * Every way an outbound request fails, as a code callers can branch on (an activity decides
 * retryable or not from `retryable`; an API answers 400 for `outbound_blocked`).
 */
export type OutboundErrorCode =
  /** The policy refused the target: see `reason`. Never retried: the answer will not change. */
  | 'outbound_blocked'
  | 'outbound_invalid_url'
  | 'outbound_too_many_redirects'
  /** The body passed the size cap (counted as it streams, whatever content-length said). */
  | 'outbound_too_large'
  /** Connect, idle read or total time limit; retryable, the server may answer next time. */
  | 'outbound_timeout'
  | 'outbound_dns_failed'
  | 'outbound_tls_failed'
  /** Refused, reset, unreachable: retryable. */
  | 'outbound_failed';

/** Why the policy refused: an address block, or a rule about the URL itself. */
export type OutboundBlockReason = AddressBlockReason | 'scheme' | 'localhost' | 'rebinding' | 'credentials';

export class OutboundError extends Error {
  override readonly name = 'OutboundError';

  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    readonly retryable: boolean,
    /** Set for `outbound_blocked`. */
    readonly reason?: OutboundBlockReason,
  ) {
    super(message);
  }
}

export const blocked = (reason: OutboundBlockReason, message: string) => new OutboundError('outbound_blocked', `${message} (${reason})`, false, reason);
