-- Named model policies per tenant: which model (or chain, or auto routing with its
-- constraints) and default parameters. A completion names one with `policy`; the tenant's
-- default policy applies when a request names no model at all.
CREATE TABLE model_policies (
  tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text        NOT NULL,
  spec        jsonb       NOT NULL,
  is_default  boolean     NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- At most one default per tenant.
CREATE UNIQUE INDEX model_policies_one_default ON model_policies (tenant_id) WHERE is_default;

-- The capsule registry: versioned, shareable agent bundles. A name belongs to the tenant that
-- first published it; versions are immutable.
CREATE TABLE capsules (
  name                 text        NOT NULL,
  version              text        NOT NULL,
  publisher_tenant_id  text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  description          text        NOT NULL,
  manifest             jsonb       NOT NULL,
  content_hash         text        NOT NULL,
  -- Orders versions without parsing semver in SQL: zero-padded major.minor.patch.
  sort_key             text        NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);

CREATE TABLE capsule_installs (
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text        NOT NULL,
  version       text        NOT NULL,
  installed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name),
  FOREIGN KEY (name, version) REFERENCES capsules (name, version)
);
