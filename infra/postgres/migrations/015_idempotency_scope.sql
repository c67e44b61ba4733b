-- Idempotency slots belong to the API key that made the request, for one method and route, and
-- hold no secret. Before this a slot was (tenant, key): another key of the tenant, even one
-- without admin rights, could replay an admin's response, and responses that created API keys
-- kept the plaintext key here.
--
-- Rows written before this may hold plaintext keys: they are dropped. A slot only lives 24
-- hours, so the cost is at most one rerun of a request retried across the upgrade.
DELETE FROM idempotency_keys;

ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys
  ADD COLUMN api_key_id text NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  ADD COLUMN method     text NOT NULL,
  -- The request path without its query (the query is part of request_hash).
  ADD COLUMN route      text NOT NULL,
  -- A fingerprint of what the key was allowed to do when the slot was claimed: a key whose
  -- role changed since runs the request (and its authorisation) afresh instead of a replay.
  ADD COLUMN grants     text NOT NULL,
  -- Top-level response fields that held a secret and are stored as null (a replay says so).
  ADD COLUMN redacted   text[] NOT NULL DEFAULT '{}';
ALTER TABLE idempotency_keys ADD PRIMARY KEY (tenant_id, api_key_id, method, route, key);
