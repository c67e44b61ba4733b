-- The model catalogue. Seeded from infra/models/catalogue.json; rows an admin edited
-- (source = 'admin') are never overwritten by a later seed.
CREATE TABLE models (
  id                text PRIMARY KEY,
  spec              jsonb NOT NULL,
  enabled           boolean NOT NULL DEFAULT true,
  source            text NOT NULL CHECK (source IN ('catalogue', 'admin')),
  catalogue_version integer,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Bumped by every change, so caches in API and worker processes can tell they are stale
-- with one tiny query instead of reloading the catalogue.
CREATE TABLE model_registry_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version   bigint NOT NULL
);
INSERT INTO model_registry_version (version) VALUES (0);
