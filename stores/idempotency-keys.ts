import type { Pool } from './pool.ts';

/** What a key already stands for, when it is not new. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  | { state: 'done'; statusCode: number; response: unknown };

export interface IdempotencyKeyStore {
  /** Claims the key for this request, or says what it already stands for. */
  claim(tenantId: string, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim>;
  complete(tenantId: string, key: string, statusCode: number, response: unknown): Promise<void>;
  /** Frees the key so a retry runs the request again (its first run did not finish usefully). */
  release(tenantId: string, key: string): Promise<void>;
}

interface KeyRow {
  request_hash: string;
  status_code: number | null;
  response: unknown;
}

export function createIdempotencyKeyStore(pool: Pool): IdempotencyKeyStore {
  return {
    async claim(tenantId, key, requestHash, ttlMs) {
      // An expired key is forgotten first, so it can be claimed afresh in the same statement pair.
      await pool.query(`DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND created_at < now() - make_interval(secs => $3)`, [tenantId, key, ttlMs / 1000]);
      const inserted = await pool.query('INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [tenantId, key, requestHash]);
      if (inserted.rowCount === 1) return { state: 'claimed' };
      const { rows } = await pool.query<KeyRow>('SELECT request_hash, status_code, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2', [tenantId, key]);
      const row = rows[0];
      // Released between our insert and select: the caller may retry at once.
      if (!row) return { state: 'in_flight' };
      if (row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.status_code === null) return { state: 'in_flight' };
      return { state: 'done', statusCode: row.status_code, response: row.response };
    },

    async complete(tenantId, key, statusCode, response) {
      await pool.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE tenant_id = $1 AND key = $2', [tenantId, key, statusCode, JSON.stringify(response ?? null)]);
    },

    async release(tenantId, key) {
      await pool.query('DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2', [tenantId, key]);
    },
  };
}
