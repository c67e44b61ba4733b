import type { NextFunction, Request, Response } from 'express';
import type { ApiError } from '../api-error.ts';
import { toHttpError } from '../error-mapping.ts';
import { shouldRetry } from './error-handler.ts';
import type { Logger } from '../../platform/logger.ts';

/** How another vendor's API words an error: its status and body. */
export type WireError = (error: ApiError) => { status: number; body: unknown };

/**
 * An error handler for routes that speak another vendor's wire format (OpenAI, Anthropic),
 * mounted on their paths in front of the API's own: the same mapping from errors to statuses
 * (toHttpError) and the same retry hints (Retry-After, x-should-retry), the vendor's body.
 */
export function createWireErrorHandler(logger: Logger, toWire: WireError) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError = toHttpError(err);
    if (apiError.status >= 500) {
      logger.error('request failed', { request_id: req.requestId, route: req.originalUrl.split('?')[0], error: err instanceof Error ? err.message : String(err) });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const { status, body } = toWire(apiError);
    for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
    if (!shouldRetry(apiError)) res.setHeader('x-should-retry', 'false');
    res.status(status).json(body);
  };
}
