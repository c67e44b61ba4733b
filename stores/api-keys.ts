import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_API_KEY_ROLE, isApiKeyRole, type ApiKeyRole } from '../core/access/api-key-role.ts';
import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';

export const API_KEY_PREFIX = 'sk_soma_';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  name: string;
  displayPrefix: string;
  role: ApiKeyRole;
  /** Same as `role === 'admin'` (the table enforces it); kept for the code that asks only that. */
  isAdmin: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The plaintext key. Returned once, at creation; only its hash is stored. */
  secret: string;
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function generateSecret(): string {
  // 24 bytes = 192 bits of randomness, base64url so the key is copy-paste safe.
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  display_prefix: string;
  role: string;
  is_admin: boolean;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, tenant_id, name, display_prefix, role, is_admin, created_at, revoked_at';

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  // The column's CHECK allows only known roles; a stray value must not widen anyone's rights.
  if (!isApiKeyRole(row.role)) throw new Error(`API key ${row.id} has an unknown role "${row.role}"`);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    displayPrefix: row.display_prefix,
    role: row.role,
    isAdmin: row.role === 'admin',
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export function createApiKeyStore(pool: Pool) {
  return {
    /** `role` wins over `isAdmin` (the older way to ask for an admin key); neither: a member. */
    async create(input: { tenantId: string; name: string; role?: ApiKeyRole; isAdmin?: boolean; secret?: string }): Promise<CreatedApiKey> {
      const secret = input.secret ?? generateSecret();
      const role = input.role ?? (input.isAdmin ? 'admin' : DEFAULT_API_KEY_ROLE);
      const { rows } = await pool.query<ApiKeyRow>(
        `INSERT INTO api_keys (id, tenant_id, name, key_hash, display_prefix, role, is_admin)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [newId('key'), input.tenantId, input.name, hashApiKey(secret), secret.slice(0, API_KEY_PREFIX.length + 4), role, role === 'admin'],
      );
      return { ...toRecord(rows[0]!), secret };
    },

    /** The active key for a presented secret, or undefined (unknown or revoked). */
    async findActiveBySecret(secret: string): Promise<ApiKeyRecord | undefined> {
      const { rows } = await pool.query<ApiKeyRow>(
        `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
        [hashApiKey(secret)],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
      const { rows } = await pool.query<ApiKeyRow>(
        `SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at`,
        [tenantId],
      );
      return rows.map(toRecord);
    },

    /** Revokes a key; returns it, or undefined when no such key exists. Revoking twice is a no-op. */
    async revoke(id: string): Promise<ApiKeyRecord | undefined> {
      const { rows } = await pool.query<ApiKeyRow>(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async hasAnyAdminKey(): Promise<boolean> {
      const { rows } = await pool.query('SELECT 1 FROM api_keys WHERE is_admin AND revoked_at IS NULL LIMIT 1');
      return rows.length > 0;
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
