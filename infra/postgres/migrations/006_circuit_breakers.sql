-- One circuit breaker per model, shared by every worker: a model that keeps failing is skipped
-- by all of them until a single probe call shows it has recovered.
CREATE TABLE model_circuit_breakers (
  model_id             text PRIMARY KEY,
  state                text NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures integer NOT NULL DEFAULT 0,
  opened_at            timestamptz,
  probe_started_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
