export interface Tenant {
  id: string;
  object: 'tenant';
  name: string;
  created_at: string;
}

export interface TenantCreateParams {
  name: string;
}

/**
 * What a key may do. admin: everything; approver: a member that may also approve; member: every
 * tenant endpoint except approvals and admin; read-only: reads and run queries only.
 */
export type APIKeyRole = 'admin' | 'approver' | 'member' | 'read-only';

export interface APIKey {
  id: string;
  object: 'api_key';
  tenant_id: string;
  name: string;
  /** The first characters of the key, to recognise it. */
  display_prefix: string;
  role: APIKeyRole;
  /** Same as `role === 'admin'`. */
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
}

/**
 * The creation answer: the only one that ever carries the plaintext key. An idempotent replay
 * of the creation (same Idempotency-Key) answers `key: null`, with the header
 * `Soma-Secret-Redacted: key`: the server never stores the plaintext.
 */
export interface CreatedAPIKey extends APIKey {
  key: string | null;
}

export interface APIKeyCreateParams {
  /** Default `default`. */
  name?: string;
  /** Default `member`. */
  role?: APIKeyRole;
  /** The older form of `role: 'admin'`; must agree with `role` when both are sent. */
  admin?: boolean;
}
