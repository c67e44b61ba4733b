-- One row per tool call that completed, keyed by the caller's idempotency key: a retried
-- activity whose earlier attempt finished returns this result instead of calling again. Results
-- are stored with every secret value redacted.
CREATE TABLE tool_executions (
  tenant_id        text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idempotency_key  text        NOT NULL,
  run_id           text        NOT NULL,
  call_id          text        NOT NULL,
  tool_name        text        NOT NULL,
  tool_version     integer     NOT NULL,
  result           jsonb       NOT NULL,
  duration_ms      integer     NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key)
);

CREATE INDEX tool_executions_by_run ON tool_executions (tenant_id, run_id);
