-- One row per provider attempt (common/model-attempt-metric.ts), the Postgres home of model
-- metrics when CLICKHOUSE_URL is not set. Written in batches by the metrics sink
-- (stores/metrics/); read by the per-model stats and per-tenant cost queries.
--
-- No foreign key to tenants: metrics are telemetry, and one row naming an unknown tenant must
-- not fail the whole batch it travels in.
CREATE TABLE model_attempt_metrics (
  ts              timestamptz NOT NULL,
  tenant_id       text NOT NULL,
  run_id          text NOT NULL,
  attempt         integer NOT NULL,
  fallback_depth  integer NOT NULL,
  requested_model text NOT NULL,
  model           text NOT NULL,
  provider        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('ok', 'error')),
  error_class     text,
  latency_ms      integer NOT NULL,
  ttft_ms         integer,
  input_tokens    integer NOT NULL,
  output_tokens   integer NOT NULL,
  cost_usd        double precision NOT NULL,
  simulated       boolean NOT NULL,
  -- The attempt's identity: a retried batch write inserts nothing twice (ON CONFLICT DO NOTHING).
  PRIMARY KEY (run_id, fallback_depth, attempt)
);

-- Per-tenant cost reports, and per-model stats over a time window.
CREATE INDEX model_attempt_metrics_tenant_ts_idx ON model_attempt_metrics (tenant_id, ts);
CREATE INDEX model_attempt_metrics_ts_idx ON model_attempt_metrics (ts);
