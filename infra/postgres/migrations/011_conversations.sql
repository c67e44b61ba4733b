-- Conversations: a tenant's chat threads. A completion can continue one (its stored messages
-- come first) and the run appends what it added: the new messages and the answer.
CREATE TABLE conversations (
  id          text        PRIMARY KEY,
  tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  title       text        NOT NULL DEFAULT '',
  metadata    jsonb       NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX conversations_by_tenant ON conversations (tenant_id, updated_at DESC);

CREATE TABLE conversation_messages (
  id               text        PRIMARY KEY,
  conversation_id  text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  tenant_id        text        NOT NULL,
  seq              integer     NOT NULL,
  role             text        NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content          text        NOT NULL,
  -- The run that added it (null for messages added directly); with `part`, what makes a
  -- retried append write nothing twice.
  run_id           text,
  part             integer,
  metadata         jsonb       NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq),
  UNIQUE (run_id, part)
);
