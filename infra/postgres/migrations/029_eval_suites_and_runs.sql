-- Evaluation suites: immutable versions (cases + graders as data) with movable labels, like
-- prompt templates. A version is never updated: a run names (name, version) and stays reproducible.
CREATE TABLE eval_suite_versions (
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text        NOT NULL,
  version       integer     NOT NULL CHECK (version > 0),
  description   text,
  graders       jsonb       NOT NULL,
  cases         jsonb       NOT NULL,
  case_count    integer     NOT NULL,
  content_hash  text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, version)
);

CREATE TABLE eval_suite_labels (
  tenant_id  text        NOT NULL,
  name       text        NOT NULL,
  label      text        NOT NULL,
  version    integer     NOT NULL,
  moved_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name, label),
  FOREIGN KEY (tenant_id, name, version) REFERENCES eval_suite_versions (tenant_id, name, version) ON DELETE CASCADE
);

-- One evaluate run: its candidates, status, summary (per candidate and grader, paired
-- comparisons) and whether it is an accepted reference for later regression checks.
CREATE TABLE eval_runs (
  tenant_id      text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             text        NOT NULL,
  suite_name     text        NOT NULL,
  suite_version  integer     NOT NULL,
  candidates     jsonb       NOT NULL,
  status         text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed_regression', 'failed')),
  summary        jsonb,
  schedule_id    text,
  accepted       boolean     NOT NULL DEFAULT false,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE INDEX eval_runs_suite_idx ON eval_runs (tenant_id, suite_name, started_at DESC);

-- Per case and candidate: the answer, each grader's verdict, cost and latency. Written by the
-- workflow's batch activities; the key makes a retried batch an upsert, never a duplicate.
CREATE TABLE eval_case_results (
  tenant_id   text             NOT NULL,
  run_id      text             NOT NULL,
  candidate   integer          NOT NULL,
  case_id     text             NOT NULL,
  case_index  integer          NOT NULL,
  output      text,
  error       text,
  grades      jsonb            NOT NULL,
  score       double precision NOT NULL,
  cost_usd    double precision NOT NULL,
  latency_ms  double precision NOT NULL,
  simulated   boolean          NOT NULL,
  PRIMARY KEY (tenant_id, run_id, candidate, case_id),
  FOREIGN KEY (tenant_id, run_id) REFERENCES eval_runs (tenant_id, id) ON DELETE CASCADE
);
