/**
 * The domain's failures, in a small closed set of kinds. Core code throws these and knows
 * nothing of HTTP; the API's one error mapper (api/error-mapping.ts) turns each kind into a
 * status and error type, so a new error class needs no new mapping code, only a kind.
 *
 * Pure (no imports): stores and workflows may load it.
 */
export type DomainErrorKind =
  /** The request itself is wrong; the caller can fix it (400). */
  | 'invalid_request'
  /** What the request names does not exist (404). */
  | 'not_found'
  /** The request collides with the current state, e.g. a name taken or a label moved meanwhile (409). */
  | 'conflict'
  /** A budget would be exceeded; paying (raising the limit) fixes it, retrying does not (402). */
  | 'insufficient_budget'
  /** The caller may not do this (403). */
  | 'permission'
  /** This deployment cannot serve it until an operator acts (configuration); retrying does not help (503). */
  | 'unavailable'
  /** As `unavailable`, for a model provider (e.g. no key for its vendor): answered as a provider error (503). */
  | 'provider_unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    /** Stable and machine-readable: the API's error `code`. */
    readonly code: string,
    message: string,
    private readonly specifics?: unknown,
  ) {
    super(message);
  }

  /** Machine-readable specifics (e.g. every problem at once), served as the error's `details`. */
  get details(): unknown {
    return this.specifics;
  }

  /** The sentence the caller reads: the message, unless a class words it for the caller. */
  get publicMessage(): string {
    return this.message;
  }
}

export class InvalidRequestError extends DomainError {
  override readonly name: string = 'InvalidRequestError';
  readonly kind = 'invalid_request';
}

export class NotFoundError extends DomainError {
  override readonly name: string = 'NotFoundError';
  readonly kind = 'not_found';
}

export class ConflictError extends DomainError {
  override readonly name: string = 'ConflictError';
  readonly kind = 'conflict';
}

export class InsufficientBudgetError extends DomainError {
  override readonly name: string = 'InsufficientBudgetError';
  readonly kind = 'insufficient_budget';
}

export class PermissionDeniedError extends DomainError {
  override readonly name: string = 'PermissionDeniedError';
  readonly kind = 'permission';
}

export class UnavailableError extends DomainError {
  override readonly name: string = 'UnavailableError';
  readonly kind = 'unavailable';
}

export class ProviderUnavailableError extends DomainError {
  override readonly name: string = 'ProviderUnavailableError';
  readonly kind = 'provider_unavailable';
}
