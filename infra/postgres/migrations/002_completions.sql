-- pgvector is part of the platform's contract with Postgres (memory and RAG build on it);
-- enabling it here makes a server without it fail loudly at migration time.
CREATE EXTENSION IF NOT EXISTS vector;

-- One row per completion run, written by the workflow's last step. The primary key is the
-- workflow id, so a retried or replayed write can never produce a second row.
CREATE TABLE completions (
  run_id          text PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  status          text NOT NULL CHECK (status IN ('completed', 'failed')),
  requested_model text NOT NULL,
  provider        text NOT NULL,
  model           text NOT NULL,
  finish_reason   text,
  input_tokens    integer,
  output_tokens   integer,
  latency_ms      integer,
  attempts        integer,
  simulated       boolean NOT NULL DEFAULT false,
  error_kind      text,
  output_text     text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX completions_tenant_created_idx ON completions (tenant_id, created_at DESC);
