-- Measured outcomes the learned router trains on: how well, at what cost and how fast each model
-- answered one prompt. One row per (tenant, prompt, model); a later import of the same prompt and
-- model replaces the earlier measurement. Scores are 0..1 and comparable only within one source.
CREATE TABLE outcome_imports (
  id            text        PRIMARY KEY,
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text        NOT NULL,
  -- The key that imported it (identity comes from the key, never from the request).
  api_key_id    text,
  lines         integer     NOT NULL,
  prompts       integer     NOT NULL,
  outcome_rows  integer     NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX outcome_imports_tenant_idx ON outcome_imports (tenant_id, created_at DESC);

CREATE TABLE router_outcomes (
  tenant_id      text             NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  prompt_id      text             NOT NULL,
  model          text             NOT NULL,
  -- The text the model was given (NULL for feedback on a run whose prompt is not kept); a
  -- router trains on prompts with text only. prompt_sha256 finds the same prompt across sources.
  prompt         text,
  prompt_sha256  text,
  family         text             NOT NULL DEFAULT 'unknown',
  category       text             NOT NULL DEFAULT 'unknown',
  score          double precision NOT NULL CHECK (score >= 0 AND score <= 1),
  cost_usd       double precision CHECK (cost_usd >= 0),
  input_tokens   integer,
  output_tokens  integer,
  output_chars   integer,
  latency_ms     double precision,
  -- import | feedback | evaluation
  source         text             NOT NULL,
  -- The data set a row came from (e.g. routerbench), free text from the import.
  dataset        text             NOT NULL DEFAULT 'import',
  import_id      text             REFERENCES outcome_imports (id) ON DELETE CASCADE,
  run_id         text,
  created_at     timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, prompt_id, model)
);

CREATE INDEX router_outcomes_tenant_created_idx ON router_outcomes (tenant_id, created_at DESC);
