import type { NextFunction, Request, Response } from 'express';
import { ApiError, type ErrorBody } from '../api-error.ts';
import type { Logger } from '../../platform/logger.ts';

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

/** The embedding model this deployment is configured with cannot run: an operator's fix, not a crash. */
function fromMemory(err: unknown): ApiError | undefined {
  if (err instanceof Error && err.name === 'EmbeddingModelMissingError') {
    return new ApiError(503, 'api_error', 'embedding_model_unavailable', err.message, undefined, { 'x-should-retry': 'false' });
  }
  return undefined;
}

/**
 * SDKs retry 408, 409, 429 and 5xx. Tell them not to where a retry cannot help: a conflict that
 * is not "still running", and a provider failure the run already retried (a retry would run the
 * whole chain again) unless the provider said when to come back.
 */
function shouldRetry(error: ApiError): boolean {
  if (error.status === 409) return error.code === 'idempotency_key_in_use';
  if (error.type === 'provider_error') return error.headers?.['retry-after'] !== undefined;
  return true;
}

export function createErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError =
      err instanceof ApiError
        ? err
        : (fromBodyParser(err as BodyParserError) ??
          fromDecoding(err) ??
          fromMemory(err) ??
          new ApiError(500, 'api_error', 'internal_error', 'An internal error occurred. Quote the request id when reporting it.'));
    if (apiError.status >= 500) {
      logger.error('request failed', {
        request_id: req.requestId,
        route: req.route?.path,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    const body: ErrorBody = {
      error: { type: apiError.type, code: apiError.code, message: apiError.message, request_id: req.requestId },
    };
    if (apiError.details !== undefined) body.error.details = apiError.details;
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
    if (!shouldRetry(apiError)) res.setHeader('x-should-retry', 'false');
    res.status(apiError.status).json(body);
  };
}
