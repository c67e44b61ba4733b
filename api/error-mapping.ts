import { DomainError, type DomainErrorKind } from '../core/errors/domain-error.ts';
import { ApiError, type ApiErrorType } from './api-error.ts';

/**
 * The one place an error becomes an HTTP answer. Driven by classes: our own ApiError passes
 * through, a domain error is answered by its kind (the table below), and the few framework
 * errors we know are recognised by their class or their documented `type`. Routes never wrap
 * or translate errors themselves; they let them reach this mapper.
 */
const DOMAIN_ERRORS: Record<DomainErrorKind, { status: number; type: ApiErrorType; headers?: Record<string, string> }> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'not_found_error' },
  conflict: { status: 409, type: 'conflict_error' },
  insufficient_budget: { status: 402, type: 'budget_error' },
  permission: { status: 403, type: 'permission_error' },
  // An operator's fix, not a crash and not a passing outage: SDKs retry 503s unless told not to.
  unavailable: { status: 503, type: 'api_error', headers: { 'x-should-retry': 'false' } },
  // The error handler already tells SDKs not to retry a provider error without a Retry-After.
  provider_unavailable: { status: 503, type: 'provider_error' },
};

function fromDomain(err: DomainError): ApiError {
  const { status, type, headers } = DOMAIN_ERRORS[err.kind];
  return new ApiError(status, type, err.code, err.publicMessage, err.details, headers);
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Errors thrown by express.json() carry a `type`; map them to our codes. */
function fromBodyParser(err: BodyParserError): ApiError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new ApiError(413, 'invalid_request_error', 'payload_too_large', 'The request body is larger than the server accepts.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'invalid_request_error', 'unsupported_encoding', 'The request body encoding is not supported.');
    case 'request.aborted':
      return new ApiError(400, 'invalid_request_error', 'request_aborted', 'The request was aborted while its body was read.');
    default:
      return undefined;
  }
}

/**
 * The router decodes path parameters itself and throws a URIError (status 400) on bad
 * percent-encoding; the URL guard answers first, this is the backstop for any other decode.
 */
function fromDecoding(err: unknown): ApiError | undefined {
  if (err instanceof URIError) {
    return new ApiError(400, 'invalid_request_error', 'invalid_path', 'The request path is not valid percent-encoded UTF-8.');
  }
  return undefined;
}

export const internalError = (): ApiError =>
  new ApiError(500, 'api_error', 'internal_error', 'An internal error occurred. Quote the request id when reporting it.');

/**
 * Any error in our error shape. `unexpected` words the 500 for an error no class explains (a
 * bug or an outage of ours), e.g. "the run failed" where a workflow's result was awaited.
 */
export function toHttpError(err: unknown, unexpected: () => ApiError = internalError): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  if (typeof err === 'object' && err !== null) {
    const parsed = fromBodyParser(err as BodyParserError);
    if (parsed) return parsed;
  }
  return fromDecoding(err) ?? unexpected();
}
