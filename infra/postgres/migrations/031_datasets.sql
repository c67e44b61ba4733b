-- Fine-tuning datasets: immutable versions. A version is written once, with all its rows, in one
-- transaction (an upload that fails validation, or a build that fails, leaves nothing behind),
-- and never updated: a change is a new version. Rows are stored after PII scrubbing.
CREATE TABLE datasets (
  id                 text        PRIMARY KEY,
  tenant_id          text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name               text        NOT NULL,
  version            integer     NOT NULL CHECK (version >= 1),
  source             text        NOT NULL CHECK (source IN ('upload', 'build')),
  -- sha256 over the kept rows' hashes and splits: two versions with the same hash hold the same data.
  content_hash       text        NOT NULL,
  rows               integer     NOT NULL,
  train_rows         integer     NOT NULL,
  validation_rows    integer     NOT NULL,
  train_tokens       bigint      NOT NULL,
  validation_tokens  bigint      NOT NULL,
  -- The cleaning report (duplicates, PII replacement counts, token limit) and the selection or
  -- upload it came from, kept as the provenance of the version.
  cleaning           jsonb       NOT NULL,
  selection          jsonb       NOT NULL DEFAULT '{}',
  cost_estimates     jsonb       NOT NULL DEFAULT '[]',
  created_by_key     text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name, version)
);

CREATE INDEX datasets_tenant_idx ON datasets (tenant_id, created_at DESC);

CREATE TABLE dataset_rows (
  dataset_id  text    NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  position    integer NOT NULL,
  split       text    NOT NULL CHECK (split IN ('train', 'validation')),
  tokens      integer NOT NULL,
  row_hash    text    NOT NULL,
  example     jsonb   NOT NULL,
  PRIMARY KEY (dataset_id, position)
);
