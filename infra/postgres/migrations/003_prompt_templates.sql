-- Prompt templates: immutable numbered versions, labels that point at versions, the audit trail
-- of every label move, and A/B experiments between versions. Every table carries tenant_id and
-- every query filters on it.

CREATE TABLE prompt_templates (
  id          text PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- A version never changes once written (the trigger below refuses updates); a new version is
-- a new row with the next number. content_hash identifies the content and variables schema.
CREATE TABLE prompt_template_versions (
  template_id      text NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
  version          integer NOT NULL CHECK (version >= 1),
  tenant_id        text NOT NULL,
  content_hash     text NOT NULL,
  template_type    text NOT NULL CHECK (template_type IN ('text', 'chat')),
  body             text,
  messages         jsonb,
  variables_schema jsonb NOT NULL,
  -- Templates this one includes, imports or extends, as written (name, name@3, name@label).
  template_refs    text[] NOT NULL DEFAULT '{}',
  note             text,
  created_by       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template_id, version),
  CHECK ((template_type = 'text' AND body IS NOT NULL AND messages IS NULL)
      OR (template_type = 'chat' AND messages IS NOT NULL AND body IS NULL))
);

CREATE INDEX prompt_template_versions_hash_idx ON prompt_template_versions (template_id, content_hash);

CREATE FUNCTION prompt_template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prompt template versions are immutable; add a new version instead';
END;
$$;

CREATE TRIGGER prompt_template_versions_no_update
  BEFORE UPDATE ON prompt_template_versions
  FOR EACH ROW EXECUTE FUNCTION prompt_template_versions_immutable();

-- A label points at one version of its template; moving it is an UPDATE of this row, made in
-- the same transaction as its audit event.
CREATE TABLE prompt_labels (
  template_id text NOT NULL,
  label       text NOT NULL,
  tenant_id   text NOT NULL,
  version     integer NOT NULL,
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (template_id, label),
  FOREIGN KEY (template_id, version) REFERENCES prompt_template_versions(template_id, version) ON DELETE CASCADE
);

-- Who moved which label, from which version to which, when and why. to_version is NULL when a
-- label was deleted, from_version when it was created.
CREATE TABLE prompt_label_events (
  id           bigserial PRIMARY KEY,
  tenant_id    text NOT NULL,
  template_id  text NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
  label        text NOT NULL,
  from_version integer,
  to_version   integer,
  actor        text NOT NULL,
  reason       text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX prompt_label_events_template_idx ON prompt_label_events (template_id, id DESC);

-- An A/B experiment between versions of one template; the row is the experiment's record, the
-- prompt-experiment workflow (same id) drives its status.
CREATE TABLE prompt_experiments (
  id             text PRIMARY KEY,
  tenant_id      text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  template_id    text NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
  name           text NOT NULL,
  config         jsonb NOT NULL,
  status         text NOT NULL CHECK (status IN ('running', 'awaiting_approval', 'promoted', 'rejected', 'approval_timed_out', 'cancelled', 'failed')),
  stop_reason    text,
  recommendation jsonb,
  decision       jsonb,
  final_results  jsonb,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX prompt_experiments_tenant_idx ON prompt_experiments (tenant_id, created_at DESC);

-- First exposure of a subject; the variant is derived from a hash, so it never changes.
CREATE TABLE prompt_experiment_exposures (
  experiment_id text NOT NULL REFERENCES prompt_experiments(id) ON DELETE CASCADE,
  subject_id    text NOT NULL,
  variant       text NOT NULL,
  exposed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (experiment_id, subject_id)
);

-- One outcome per subject (a later report replaces an earlier one): a score, or 1/0 for success.
CREATE TABLE prompt_experiment_outcomes (
  experiment_id text NOT NULL REFERENCES prompt_experiments(id) ON DELETE CASCADE,
  subject_id    text NOT NULL,
  variant       text NOT NULL,
  value         double precision NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (experiment_id, subject_id),
  FOREIGN KEY (experiment_id, subject_id) REFERENCES prompt_experiment_exposures(experiment_id, subject_id) ON DELETE CASCADE
);

-- Completions say which template version produced their prompt, so quality traces to a version.
ALTER TABLE completions ADD COLUMN prompt_template text, ADD COLUMN prompt_version integer;
CREATE INDEX completions_prompt_idx ON completions (tenant_id, prompt_template, prompt_version) WHERE prompt_template IS NOT NULL;
