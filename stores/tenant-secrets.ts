/**
 * Per-tenant secrets (API tokens HTTP tools authenticate with), encrypted at rest with
 * AES-256-GCM. The key is derived (HKDF-SHA256) from the payload key ring, so there is no second
 * key to manage and secrets rotate with payload keys: new writes use the current key, reads find
 * the key by the id stored beside the ciphertext. The tenant and the name are the additional
 * authenticated data: a ciphertext copied to another tenant's row fails to decrypt.
 *
 * Write-only to the outside: `list` returns names and dates; only `reveal` returns a value, and
 * only the tool activity calls it, inside the worker, at the moment of the call.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from '../platform/db/pool.ts';
import type { PayloadKeyRing } from '../platform/temporal/payload-codec/payload-key-ring.ts';

export interface TenantSecretInfo {
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface TenantSecretStore {
  /** Creates or replaces; `created` says which. */
  put(tenantId: string, name: string, value: string): Promise<TenantSecretInfo & { created: boolean }>;
  list(tenantId: string): Promise<TenantSecretInfo[]>;
  get(tenantId: string, name: string): Promise<TenantSecretInfo | undefined>;
  delete(tenantId: string, name: string): Promise<boolean>;
  /** The plaintext, for the one place that sends it (the tool activity); undefined when there is none. */
  reveal(tenantId: string, name: string): Promise<string | undefined>;
}

const INFO = 'somaagent/tenant-secrets/v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function secretKey(payloadKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', payloadKey, Buffer.alloc(0), INFO, 32));
}

const aad = (tenantId: string, name: string) => Buffer.from(`${tenantId}\u0000${name}`);

interface InfoRow {
  name: string;
  created_at: Date;
  updated_at: Date;
}
const toInfo = (r: InfoRow): TenantSecretInfo => ({ name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

export function createTenantSecretStore(pool: Pool, ring: PayloadKeyRing): TenantSecretStore {
  const keys = new Map([...ring.byId].map(([id, key]) => [id, secretKey(key)]));
  const current = { id: ring.current.id, key: keys.get(ring.current.id)! };

  return {
    async put(tenantId, name, value) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(tenantId, name));
      const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const { rows } = await pool.query<InfoRow & { created: boolean }>(
        `INSERT INTO tenant_secrets (tenant_id, name, key_id, nonce, ciphertext) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, name) DO UPDATE SET key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, updated_at = now()
         RETURNING name, created_at, updated_at, (xmax = 0) AS created`,
        [tenantId, name, current.id, nonce, ciphertext],
      );
      return { ...toInfo(rows[0]!), created: rows[0]!.created };
    },
    async list(tenantId) {
      const { rows } = await pool.query<InfoRow>('SELECT name, created_at, updated_at FROM tenant_secrets WHERE tenant_id = $1 ORDER BY name', [tenantId]);
      return rows.map(toInfo);
    },
    async get(tenantId, name) {
      const { rows } = await pool.query<InfoRow>('SELECT name, created_at, updated_at FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      return rows[0] && toInfo(rows[0]);
    },
    async delete(tenantId, name) {
      const result = await pool.query('DELETE FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      return result.rowCount === 1;
    },
    async reveal(tenantId, name) {
      const { rows } = await pool.query<{ key_id: string; nonce: Buffer; ciphertext: Buffer }>('SELECT key_id, nonce, ciphertext FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      const row = rows[0];
      if (!row) return undefined;
      const key = keys.get(row.key_id);
      // The message names the key id only: an operator dropped a key that still has secrets.
      if (!key) throw new Error(`secret "${name}" was encrypted with payload key "${row.key_id}", which is no longer configured`);
      const decipher = createDecipheriv('aes-256-gcm', key, row.nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(tenantId, name));
      decipher.setAuthTag(row.ciphertext.subarray(row.ciphertext.length - TAG_BYTES));
      return Buffer.concat([decipher.update(row.ciphertext.subarray(0, row.ciphertext.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
