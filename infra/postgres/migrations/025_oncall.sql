-- On-call (issue #16 item 6): schedules (layers of daily/weekly rotations in an IANA time zone),
-- overrides, escalation policies, and the rotation workflow's record of handoffs it announced.
-- Every table carries tenant_id and every query filters on it. spec columns hold the validated
-- zod shapes of core/ops/oncall/oncall-types.ts in their API (snake_case) form.

CREATE TABLE oncall_schedules (
  tenant_id  text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id         text NOT NULL,
  name       text NOT NULL,
  spec       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE oncall_overrides (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  schedule_id text NOT NULL,
  user_ref    text NOT NULL,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, schedule_id) REFERENCES oncall_schedules(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX oncall_overrides_window ON oncall_overrides (tenant_id, schedule_id, ends_at);

CREATE TABLE escalation_policies (
  tenant_id  text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id         text NOT NULL,
  name       text NOT NULL,
  spec       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

-- One row per handoff the rotation workflow has announced (and synced to PagerDuty): the
-- primary key makes a retried or overlapping run announce each handoff once.
CREATE TABLE oncall_handoffs (
  tenant_id    text NOT NULL,
  schedule_id  text NOT NULL,
  handoff_at   timestamptz NOT NULL,
  from_user    text,
  to_user      text,
  pagerduty    text,
  announced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, schedule_id, handoff_at),
  FOREIGN KEY (tenant_id, schedule_id) REFERENCES oncall_schedules(tenant_id, id) ON DELETE CASCADE
);
