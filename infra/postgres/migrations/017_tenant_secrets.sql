-- Per-tenant secrets that HTTP tools authenticate with. Write-only through the API: only names
-- and dates ever leave. The value is AES-256-GCM ciphertext under a key derived from the payload
-- key ring (key_id says which key, so keys rotate like payload keys); the tenant and name are the
-- additional authenticated data, so a ciphertext copied to another row does not decrypt.
CREATE TABLE tenant_secrets (
  tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text        NOT NULL,
  key_id      text        NOT NULL,
  nonce       bytea       NOT NULL,
  ciphertext  bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);
