/**
 * One error hierarchy, keyed by HTTP status, so callers catch what they can handle:
 *
 * SomaAgentError
 * ├── APIError (the API answered with an error)
 * │   ├── BadRequestError (400) ── ValidationError (400 with a problem list, 422)
 * │   ├── AuthenticationError (401), BudgetExceededError (402), PermissionDeniedError (403)
 * │   ├── NotFoundError (404), ConflictError (409), RateLimitError (429)
 * │   └── InternalServerError (>= 500)
 * ├── APIConnectionError (no answer) ── APITimeoutError
 * └── APIUserAbortError (the caller's AbortSignal, or stream.abort())
 */

/** The `type` values of the API's error body. */
export type APIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'budget_error'
  | 'provider_error'
  | 'api_error';

/** The body of every error response: `{ error: { type, code, message, request_id, details? } }`. */
export interface ErrorBody {
  error: {
    type: APIErrorType | (string & {});
    code: string;
    message: string;
    request_id?: string;
    details?: unknown;
  };
}

/** One problem of a validation failure: every problem is reported at once. */
export interface ValidationProblem {
  /** JSON path of the offending field, e.g. `messages.0.role`; empty for the body itself. */
  path: string;
  code: string;
  message: string;
}

/** What a 402 says about the budget that would be exceeded. */
export interface BudgetExceededDetails {
  budget_id: string;
  period: 'day' | 'month';
  limit_usd: number;
  spent_usd: number;
  estimated_usd: number;
  period_start: string;
}

export class SomaAgentError extends Error {
  override name = 'SomaAgentError';
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export class APIError extends SomaAgentError {
  override name = 'APIError';
  /** The HTTP status (for a stream's `error` event: the status the request would have had). */
  readonly status: number;
  /** `invalid_request_error`, `rate_limit_error`, ... (undefined when the body was not ours, e.g. a proxy's page). */
  readonly type: string | undefined;
  /** The machine-readable reason: `validation_failed`, `run_not_found`, `budget_exceeded`, ... */
  readonly code: string | undefined;
  /** Quote it when reporting a problem: the API logs it with every failure. */
  readonly requestId: string | undefined;
  /** Specifics for programs: validation problems, the budget that was hit, the provider failure. */
  readonly details: unknown;
  readonly headers: Headers;
  /** The parsed body (or its text when it was not JSON). */
  readonly body: unknown;

  constructor(status: number, body: unknown, headers: Headers, message?: string) {
    const error = isErrorBody(body) ? body.error : undefined;
    const requestId = error?.request_id ?? headers.get('x-request-id') ?? undefined;
    super(message ?? APIError.describe(status, error, body));
    this.status = status;
    this.type = error?.type;
    this.code = error?.code;
    this.requestId = requestId;
    this.details = error?.details;
    this.headers = headers;
    this.body = body;
  }

  private static describe(status: number, error: ErrorBody['error'] | undefined, body: unknown): string {
    if (error) return `${status} ${error.code}: ${error.message}`;
    const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
    return text ? `${status}: ${text}` : `${status} (no error body)`;
  }

  /** The subclass for a status (and, for 400, for whether the body lists validation problems). */
  static from(status: number, body: unknown, headers: Headers): APIError {
    if (status === 400) {
      const details = isErrorBody(body) ? body.error.details : undefined;
      return isProblemList(details) ? new ValidationError(status, body, headers) : new BadRequestError(status, body, headers);
    }
    if (status === 422) return new ValidationError(status, body, headers);
    if (status === 401) return new AuthenticationError(status, body, headers);
    if (status === 402) return new BudgetExceededError(status, body, headers);
    if (status === 403) return new PermissionDeniedError(status, body, headers);
    if (status === 404) return new NotFoundError(status, body, headers);
    if (status === 409) return new ConflictError(status, body, headers);
    if (status === 429) return new RateLimitError(status, body, headers);
    if (status >= 500) return new InternalServerError(status, body, headers);
    return new APIError(status, body, headers);
  }
}

function isProblemList(details: unknown): details is ValidationProblem[] {
  return Array.isArray(details) && details.every((d) => typeof d === 'object' && d !== null && typeof (d as ValidationProblem).message === 'string');
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}

/** A 400 whose `details` list every problem (validation_failed, variables_invalid, ...), or a 422. */
export class ValidationError extends BadRequestError {
  override name = 'ValidationError';
  /** Every problem at once, so a caller can fix them all. */
  get problems(): ValidationProblem[] {
    return isProblemList(this.details) ? this.details : [];
  }
}

export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}

export class BudgetExceededError extends APIError {
  override name = 'BudgetExceededError';
  /** Which budget, its limit, the spend so far and the request's estimate. */
  get budget(): BudgetExceededDetails | undefined {
    return typeof this.details === 'object' && this.details !== null ? (this.details as BudgetExceededDetails) : undefined;
  }
}

export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}

export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}

export class ConflictError extends APIError {
  override name = 'ConflictError';
}

export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}

export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** The request got no answer: refused connection, DNS failure, reset, or a stream cut short. */
export class APIConnectionError extends SomaAgentError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
  constructor(message = 'Request timed out.') {
    super(message);
  }
}

/** The caller aborted: its AbortSignal fired, or it called `abort()` on a stream. Never retried. */
export class APIUserAbortError extends SomaAgentError {
  override name = 'APIUserAbortError';
  constructor(message = 'Request was aborted.') {
    super(message);
  }
}
