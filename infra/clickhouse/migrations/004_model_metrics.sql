-- One row per provider attempt (common/model-attempt-metric.ts). Written in batches by the
-- metrics sink (stores/metrics/); read by the per-model stats and per-tenant cost queries.
--
-- Kept within ClickHouse 18.16 (Debian's package, which the tests run): no LowCardinality
-- (experimental there), no DateTime64, no TTL. Old months are removed by dropping partitions:
--   ALTER TABLE model_attempt_metrics DROP PARTITION 202401
--
-- ReplacingMergeTree with the attempt's identity (run_id, fallback_depth, attempt) in the
-- sorting key: an insert that timed out on our side but landed on the server is retried by the
-- sink, and the copy is collapsed when parts merge.
CREATE TABLE IF NOT EXISTS model_attempt_metrics (
  ts              DateTime('UTC'),
  tenant_id       String,
  run_id          String,
  attempt         UInt16,
  fallback_depth  UInt16,
  requested_model String,
  model           String,
  provider        String,
  status          Enum8('ok' = 1, 'error' = 2),
  error_class     Nullable(String),
  latency_ms      UInt32,
  ttft_ms         Nullable(UInt32),
  input_tokens    UInt32,
  output_tokens   UInt32,
  cost_usd        Float64,
  simulated       UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (tenant_id, ts, run_id, fallback_depth, attempt);
