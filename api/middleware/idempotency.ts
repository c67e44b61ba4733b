import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { API_KEY_PREFIX } from '../../stores/api-keys.ts';
import type { IdempotencyKeyStore, IdempotencyScope } from '../../stores/idempotency-keys.ts';
import { ApiError } from '../api-error.ts';
import { principalOf, type Principal } from './auth.ts';

/** Visible ASCII, as the IETF Idempotency-Key draft and Stripe accept; UUIDs fit easily. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A retry with the same key after this long is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Statuses a retry should run again for, rather than be answered with the same failure. */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/**
 * A whole API key, not the 4 characters after the prefix that listings show (`display_prefix`).
 * A response still holding one after redaction is not kept at all.
 */
const PLAINTEXT_API_KEY = new RegExp(`${API_KEY_PREFIX}[A-Za-z0-9_-]{5,}`);

/** The header a replay carries when fields of the first response were secret and are null now. */
export const SECRET_REDACTED_HEADER = 'soma-secret-redacted';

/**
 * Paths longer than any real route share a slot by their first characters; the request hash
 * (which has the whole URL) still tells them apart, so the worst case is a 422, never a replay.
 */
const ROUTE_MAX_CHARS = 1000;

/** The request's `Idempotency-Key`, or undefined; a malformed one is refused. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(400, 'invalid_request_error', 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).');
  }
  return key;
}

/**
 * The Idempotency-Key of a request whose key names a workflow (completions), bound to the API
 * key that sent it: another key of the tenant sending the same Idempotency-Key starts its own
 * run instead of joining (and reading) this one.
 */
export function runIdempotencyKeyOf(req: Request): string | undefined {
  const key = idempotencyKeyOf(req);
  return key === undefined ? undefined : `${principalOf(req).keyId}\n${key}`;
}

/**
 * What makes two requests "the same": method, path and query, and the parsed JSON body.
 * `ignore` names top-level body fields that only choose how the answer is delivered (a
 * completion's `background` or `stream`): a retry that changes them is still the same request.
 */
export function requestHash(req: Request, ignore: readonly string[] = []): string {
  let body: unknown = req.body ?? null;
  if (ignore.length > 0 && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    body = Object.fromEntries(Object.entries(body).filter(([field]) => !ignore.includes(field)));
  }
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(body)}`)
    .digest('hex');
}

export const idempotencyKeyReused = () =>
  new ApiError(422, 'invalid_request_error', 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request. Use a new key for a new request.');

const SECRET_FIELDS = 'idempotencySecretFields';

/**
 * A route whose response carries a secret (a new API key) names its top-level fields here
 * before responding. The stored copy holds null in their place, so nothing secret sits in
 * Postgres, and a replay says which fields it could not give back (`Soma-Secret-Redacted`).
 */
export function declareSecretFields(res: Response, fields: readonly string[]): void {
  res.locals[SECRET_FIELDS] = fields;
}

function redact(res: Response, body: unknown): { stored: unknown; redacted: string[] } {
  const fields = (res.locals[SECRET_FIELDS] as readonly string[] | undefined) ?? [];
  if (fields.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return { stored: body, redacted: [] };
  const redacted = fields.filter((f) => f in body);
  return { stored: { ...body, ...Object.fromEntries(redacted.map((f) => [f, null])) }, redacted };
}

/** What the key may do, so a slot filled under other grants (a role change) is not replayed. */
function grantsOf(principal: Principal): string {
  const entries = Object.entries(principal).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

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
 *
 * A slot belongs to (tenant, API key, method, route, key): only the key that made a response
 * can have it back. Mount this after authentication and after every guard that refuses whole
 * path prefixes (the admin check), so a replay never answers a request those would refuse; the
 * key's grants are part of the slot too, so a guard inside a router is never skipped for a key
 * whose role changed since. Declared secret fields are stored redacted (`declareSecretFields`).
 */
export function createIdempotency(options: IdempotencyOptions) {
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  return async function idempotency(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (req.method !== 'POST') return next();
    const key = idempotencyKeyOf(req);
    if (key === undefined || options.skip?.(req)) return next();
    const principal = principalOf(req);
    const scope: IdempotencyScope = {
      tenantId: principal.tenantId,
      apiKeyId: principal.keyId,
      method: req.method,
      route: (req.originalUrl.split('?')[0] ?? '').slice(0, ROUTE_MAX_CHARS),
      key,
    };
    const claim = await options.store.claim(scope, requestHash(req), grantsOf(principal), ttlMs);
    switch (claim.state) {
      case 'mismatch':
        throw idempotencyKeyReused();
      case 'in_flight':
        throw new ApiError(409, 'conflict_error', 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running; retry shortly for its response.', undefined, { 'retry-after': '1' });
      case 'done':
        res.status(claim.statusCode).setHeader('idempotent-replayed', 'true');
        if (claim.redacted.length > 0) res.setHeader(SECRET_REDACTED_HEADER, claim.redacted.join(', '));
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
      const { stored, redacted } = redact(res, body);
      // Fail safe: a key-shaped string a route forgot to declare costs a rerun, not a leak.
      const keep = finished && res.statusCode < 500 && !RETRYABLE_STATUSES.has(res.statusCode) && !PLAINTEXT_API_KEY.test(JSON.stringify(stored) ?? '');
      const write = keep ? options.store.complete(scope, res.statusCode, stored, redacted) : options.store.release(scope);
      // The response is already on its way; a failed bookkeeping write only costs a rerun.
      write.catch(() => undefined);
    };
    res.on('finish', () => settle(true));
    res.on('close', () => settle(false));
    next();
  };
}
