import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { IdempotencyKeyStore } from '../../stores/idempotency-keys.ts';
import { ApiError } from '../api-error.ts';
import { principalOf } from './auth.ts';

/** Visible ASCII, as the IETF Idempotency-Key draft and Stripe accept; UUIDs fit easily. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A retry with the same key after this long is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Statuses a retry should run again for, rather than be answered with the same failure. */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/** The request's `Idempotency-Key`, or undefined; a malformed one is refused. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(400, 'invalid_request_error', 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).');
  }
  return key;
}

/** What makes two requests "the same": method, path and query, and the parsed JSON body. */
export function requestHash(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

export const idempotencyKeyReused = () =>
  new ApiError(422, 'invalid_request_error', 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request. Use a new key for a new request.');

export interface IdempotencyOptions {
  store: IdempotencyKeyStore;
  /** Routes that keep their own idempotency (completions: the key names the workflow). */
  skip?(req: Request): boolean;
  ttlMs?: number;
}

/**
 * Makes a POST with an `Idempotency-Key` safe to retry: the first request runs and its response
 * is kept; a retry with the same key and request gets that response back (with
 * `Idempotent-Replayed: true`); a retry while the first still runs gets 409 with Retry-After; the
 * same key on a different request gets 422. Responses a retry should redo (5xx, 408, 409, 429, a
 * dropped connection) are not kept.
 */
export function createIdempotency(options: IdempotencyOptions) {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  return async function idempotency(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (req.method !== 'POST') return next();
    const key = idempotencyKeyOf(req);
    if (key === undefined || options.skip?.(req)) return next();
    const { tenantId } = principalOf(req);
    const claim = await options.store.claim(tenantId, key, requestHash(req), ttlMs);
    switch (claim.state) {
      case 'mismatch':
        throw idempotencyKeyReused();
      case 'in_flight':
        throw new ApiError(409, 'conflict_error', 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running; retry shortly for its response.', undefined, { 'retry-after': '1' });
      case 'done':
        res.status(claim.statusCode).setHeader('idempotent-replayed', 'true');
        if (claim.response === null) res.end();
        else res.json(claim.response);
        return;
      case 'claimed':
        break;
    }

    let body: unknown = null;
    const json = res.json.bind(res);
    res.json = (value: unknown) => {
      body = value;
      return json(value);
    };
    let settled = false;
    const settle = (finished: boolean) => {
      if (settled) return;
      settled = true;
      const keep = finished && res.statusCode < 500 && !RETRYABLE_STATUSES.has(res.statusCode);
      const write = keep ? options.store.complete(tenantId, key, res.statusCode, body) : options.store.release(tenantId, key);
      // The response is already on its way; a failed bookkeeping write only costs a rerun.
      write.catch(() => undefined);
    };
    res.on('finish', () => settle(true));
    res.on('close', () => settle(false));
    next();
  };
}
