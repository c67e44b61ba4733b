import type { NextFunction, Request, Response } from 'express';
import type { ApiError, ErrorBody } from '../api-error.ts';
import { toHttpError } from '../error-mapping.ts';
import type { Logger } from '../../platform/logger.ts';

/**
 * SDKs retry 408, 409, 429 and 5xx. Tell them not to where a retry cannot help: a conflict that
 * is not "still running", and a provider failure the run already retried (a retry would run the
 * whole chain again) unless the provider said when to come back.
 */
export function shouldRetry(error: ApiError): boolean {
  if (error.status === 409) return error.code === 'idempotency_key_in_use';
  if (error.type === 'provider_error') return error.headers?.['retry-after'] !== undefined;
  return true;
}

export function createErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError = toHttpError(err);
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
