-- Agent definitions: immutable numbered versions of a spec (instructions, model, tools, limits,
-- guardrails) and labels that point at versions, like prompt templates. Every table carries
-- tenant_id and every query filters on it.

CREATE TABLE agents (
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name)
);

-- A version never changes once written (the trigger refuses updates): a run started on version
-- 3 reads the same spec whatever is defined later. spec is the validated definition (zod,
-- core/agents/agent-definition.ts) in its API (snake_case) form.
CREATE TABLE agent_versions (
  tenant_id  text NOT NULL,
  name       text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  spec       jsonb NOT NULL,
  note       text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, version),
  FOREIGN KEY (tenant_id, name) REFERENCES agents(tenant_id, name) ON DELETE CASCADE
);

CREATE FUNCTION agent_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'agent versions are immutable; add a new version instead';
END;
$$;

CREATE TRIGGER agent_versions_no_update
  BEFORE UPDATE ON agent_versions
  FOR EACH ROW EXECUTE FUNCTION agent_versions_immutable();

CREATE TABLE agent_labels (
  tenant_id  text NOT NULL,
  name       text NOT NULL,
  label      text NOT NULL,
  version    integer NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, label),
  FOREIGN KEY (tenant_id, name, version) REFERENCES agent_versions(tenant_id, name, version) ON DELETE CASCADE
);

-- Every approval decision on an agent's tool call, written by the run when it resolves (so
-- time-outs are recorded too): who decided comes from the authenticated key, never a payload.
CREATE TABLE agent_approvals (
  tenant_id      text NOT NULL,
  run_id         text NOT NULL,
  call_id        text NOT NULL,
  tool_name      text NOT NULL,
  decision       text NOT NULL CHECK (decision IN ('approve', 'edit', 'reject')),
  timed_out      boolean NOT NULL DEFAULT false,
  approver_key_id   text,
  approver_key_name text,
  reason         text,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, run_id, call_id)
);
