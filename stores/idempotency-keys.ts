import type { Pool } from '../platform/db/pool.ts';

/**
 * Whose slot an Idempotency-Key names. The same key sent by another API key, with another
 * method or to another route is another slot: a stored response is only ever given back to the
 * key that made it, for the request it made.
 */
export interface IdempotencyScope {
  tenantId: string;
  apiKeyId: string;
  method: string;
  /** The request path (no query string; the query is part of the request hash). */
  route: string;
  key: string;
}

/** What a key already stands for, when it is not new. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  /** `redacted`: top-level fields of `response` that held a secret and were stored as null. */
  | { state: 'done'; statusCode: number; response: unknown; redacted: string[] };

export interface IdempotencyKeyStore {
  /**
   * Claims the slot for this request, or says what it already stands for. `grants` fingerprints
   * what the API key was allowed to do: a slot filled under other grants is forgotten, so a key
   * whose role changed runs the request (and its authorisation) afresh instead of being handed a
   * response it may no longer see.
   */
  claim(scope: IdempotencyScope, requestHash: string, grants: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Keeps the response. It must already be redacted: `redacted` names the fields that were. */
  complete(scope: IdempotencyScope, statusCode: number, response: unknown, redacted: string[]): Promise<void>;
  /** Frees the slot so a retry runs the request again (its first run did not finish usefully). */
  release(scope: IdempotencyScope): Promise<void>;
}

interface KeyRow {
  request_hash: string;
  status_code: number | null;
  response: unknown;
  redacted: string[];
}

const SCOPE = 'tenant_id = $1 AND api_key_id = $2 AND method = $3 AND route = $4 AND key = $5';
const scopeParams = (s: IdempotencyScope) => [s.tenantId, s.apiKeyId, s.method, s.route, s.key];

export function createIdempotencyKeyStore(pool: Pool): IdempotencyKeyStore {
  return {
    async claim(scope, requestHash, grants, ttlMs) {
      // An expired slot, or one filled under other grants, is forgotten first, so it can be
      // claimed afresh in the same statement pair.
      await pool.query(`DELETE FROM idempotency_keys WHERE ${SCOPE} AND (created_at < now() - make_interval(secs => $6) OR grants <> $7)`, [...scopeParams(scope), ttlMs / 1000, grants]);
      const inserted = await pool.query(
        'INSERT INTO idempotency_keys (tenant_id, api_key_id, method, route, key, request_hash, grants) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
        [...scopeParams(scope), requestHash, grants],
      );
      if (inserted.rowCount === 1) return { state: 'claimed' };
      const { rows } = await pool.query<KeyRow>(`SELECT request_hash, status_code, response, redacted FROM idempotency_keys WHERE ${SCOPE}`, scopeParams(scope));
      const row = rows[0];
      // Released between our insert and select: the caller may retry at once.
      if (!row) return { state: 'in_flight' };
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.status_code === null) return { state: 'in_flight' };
      return { state: 'done', statusCode: row.status_code, response: row.response, redacted: row.redacted };
    },

    async complete(scope, statusCode, response, redacted) {
      await pool.query(`UPDATE idempotency_keys SET status_code = $6, response = $7, redacted = $8 WHERE ${SCOPE}`, [
        ...scopeParams(scope),
        statusCode,
        JSON.stringify(response ?? null),
        redacted,
      ]);
    },

    async release(scope) {
      await pool.query(`DELETE FROM idempotency_keys WHERE ${SCOPE}`, scopeParams(scope));
    },
  };
}
