-- What the router did for each run: how far down the fallback chain it went, what every
-- candidate did, the `auto` decision, and the cost at registry prices.
ALTER TABLE completions ADD COLUMN fallback_depth integer;
ALTER TABLE completions ADD COLUMN cost_usd double precision;
ALTER TABLE completions ADD COLUMN history jsonb;
ALTER TABLE completions ADD COLUMN routing jsonb;
