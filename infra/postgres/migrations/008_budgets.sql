-- Spending limits per tenant (api_key_id NULL) or per API key, per UTC day or month.
CREATE TABLE budgets (
  id          text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  api_key_id  text REFERENCES api_keys(id) ON DELETE CASCADE,
  period      text NOT NULL CHECK (period IN ('day', 'month')),
  limit_usd   double precision NOT NULL CHECK (limit_usd >= 0),
  -- reject: refuse with 402; downgrade: answer with the cheapest adequate model instead.
  on_exceed   text NOT NULL CHECK (on_exceed IN ('reject', 'downgrade')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (tenant_id, api_key_id, period)
);

-- Spend is attributed to the key that made the request.
ALTER TABLE completions ADD COLUMN api_key_id text;
CREATE INDEX completions_spend_idx ON completions (tenant_id, created_at) INCLUDE (cost_usd, api_key_id);
