import type * as Wire from '../generated/api-types.js';

export type Tenant = Wire.Tenant;

export interface TenantCreateParams {
  name: string;
}

/**
 * What a key may do. admin: everything; approver: a member that may also approve; member: every
 * tenant endpoint except approvals and admin; read-only: reads and run queries only.
 */
export type APIKeyRole = Wire.ApiKey['role'];

/** An API key as listed (the generated wire type without the creation-only `key`). */
export type APIKey = Omit<Wire.ApiKey, 'key'>;

/**
 * The creation answer: the only one that ever carries the plaintext key. An idempotent replay
 * of the creation (same Idempotency-Key) answers `key: null`, with the header
 * `Soma-Secret-Redacted: key`: the server never stores the plaintext.
 */
export type CreatedAPIKey = APIKey & { key: string | null };

export interface APIKeyCreateParams {
  /** Default `default`. */
  name?: string;
  /** Default `member`. */
  role?: APIKeyRole;
  /** The older form of `role: 'admin'`; must agree with `role` when both are sent. */
  admin?: boolean;
}
