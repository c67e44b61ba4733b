-- Feedback on a run: a rating, a corrected output, labels, a comment. General on purpose: the
-- router reads ratings as outcomes, fine-tuning datasets read corrections and labels. The author
-- is the key that sent it.
CREATE TABLE run_feedback (
  id                text             PRIMARY KEY,
  tenant_id         text             NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  run_id            text             NOT NULL,
  api_key_id        text             NOT NULL,
  -- Normalised to -1..1 whatever scale it was sent on; rating_scale and rating_raw keep the original.
  rating            double precision CHECK (rating >= -1 AND rating <= 1),
  rating_raw        double precision,
  rating_scale      text             CHECK (rating_scale IN ('signed', 'five_point')),
  corrected_output  text,
  labels            jsonb            NOT NULL DEFAULT '[]',
  comment           text,
  created_at        timestamptz      NOT NULL DEFAULT now()
);

CREATE INDEX run_feedback_run_idx ON run_feedback (tenant_id, run_id, created_at);

-- Trained router versions a tenant has registered (the artefact itself lives on the operator's
-- disk: it embeds its training data, which the project never stores in git). One version per
-- tenant is active; policies name a version or use the active one, and decisions record it.
CREATE TABLE router_versions (
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  version       text        NOT NULL,
  kind          text        NOT NULL,
  artefact_path text        NOT NULL,
  metrics       jsonb       NOT NULL DEFAULT '{}',
  trained_on    jsonb       NOT NULL DEFAULT '{}',
  status        text        NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'active', 'retired')),
  promoted_by   text,
  promoted_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);

CREATE UNIQUE INDEX router_versions_one_active ON router_versions (tenant_id) WHERE status = 'active';

-- Shadow mode: what a candidate router would have decided, next to what the live one did.
CREATE TABLE router_shadow_decisions (
  tenant_id         text             NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  run_id            text             NOT NULL,
  live_version      text             NOT NULL,
  live_model        text             NOT NULL,
  shadow_version    text             NOT NULL,
  shadow_model      text             NOT NULL,
  shadow_p_cheap    double precision,
  created_at        timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, run_id, shadow_version)
);
