/** The `type` values of our error body, modelled on the OpenAI/Anthropic families. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'budget_error'
  | 'provider_error'
  | 'api_error';

export interface ErrorBody {
  error: {
    type: ApiErrorType;
    code: string;
    message: string;
    request_id: string;
    /** Machine-readable specifics, e.g. every validation problem at once. */
    details?: unknown;
  };
}

/** Thrown anywhere in a request; the error handler turns it into the one JSON error shape. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (code: string, message: string) => new ApiError(404, 'not_found_error', code, message);
