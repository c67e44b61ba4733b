export interface Tenant {
  id: string;
  object: 'tenant';
  name: string;
  created_at: string;
}

export interface TenantCreateParams {
  name: string;
}

export interface APIKey {
  id: string;
  object: 'api_key';
  tenant_id: string;
  name: string;
  /** The first characters of the key, to recognise it. */
  display_prefix: string;
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
}

/** The creation answer: the only one that ever carries the plaintext key. */
export interface CreatedAPIKey extends APIKey {
  key: string;
}

export interface APIKeyCreateParams {
  /** Default `default`. */
  name?: string;
  /** Default false. */
  admin?: boolean;
}
