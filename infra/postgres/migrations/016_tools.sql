-- The per-tenant tool registry (issue #13): tools as data. Every change is a new immutable
-- version; a plain name means the latest, a label (`prod`) names one version explicitly. Tools a
-- capsule installed remember it, so a reinstall replaces only its own.
CREATE TABLE tool_versions (
  tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text        NOT NULL,
  version     integer     NOT NULL CHECK (version >= 1),
  spec        jsonb       NOT NULL,
  -- The capsule (name@version) that installed it, null for tools written through the API.
  source      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, version)
);

CREATE TABLE tool_labels (
  tenant_id   text        NOT NULL,
  name        text        NOT NULL,
  label       text        NOT NULL,
  version     integer     NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, label),
  FOREIGN KEY (tenant_id, name, version) REFERENCES tool_versions (tenant_id, name, version) ON DELETE CASCADE
);
