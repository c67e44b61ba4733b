-- Idempotency-Key on POST requests (other than completions, whose key names the workflow):
-- the first request with a key runs and its response is kept; a retry with the same key gets
-- that response back instead of doing the work twice.
CREATE TABLE idempotency_keys (
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key           text        NOT NULL,
  -- What the key was first used for: a retry must be the same request.
  request_hash  text        NOT NULL,
  -- NULL while the first request is still running.
  status_code   integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
