-- Documents ingested into memory: one row per (tenant, collection, source), its chunks with a
-- full-text vector for keyword (BM25-style) ranking. Dense vectors live in the vector store,
-- keyed by chunk id.
CREATE TABLE documents (
  id            text        PRIMARY KEY,
  tenant_id     text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  collection    text        NOT NULL,
  source        text        NOT NULL,
  title         text        NOT NULL DEFAULT '',
  mime          text        NOT NULL,
  content_hash  text        NOT NULL,
  metadata      jsonb       NOT NULL DEFAULT '{}',
  -- ingesting: chunks stored, embedding under way; ready: searchable.
  status        text        NOT NULL CHECK (status IN ('ingesting', 'ready')),
  chunk_count   integer     NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, collection, source)
);

CREATE TABLE document_chunks (
  id            text        PRIMARY KEY,
  document_id   text        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  tenant_id     text        NOT NULL,
  collection    text        NOT NULL,
  seq           integer     NOT NULL,
  heading_path  text        NOT NULL DEFAULT '',
  text          text        NOT NULL,
  token_count   integer     NOT NULL,
  content_hash  text        NOT NULL,
  embedded      boolean     NOT NULL DEFAULT false,
  tsv           tsvector    GENERATED ALWAYS AS (to_tsvector('english', heading_path || ' ' || text)) STORED,
  UNIQUE (document_id, seq)
);

CREATE INDEX document_chunks_tsv ON document_chunks USING gin (tsv);
CREATE INDEX document_chunks_scope ON document_chunks (tenant_id, collection);
CREATE INDEX document_chunks_pending ON document_chunks (document_id) WHERE NOT embedded;

-- Raw uploads wait here for the ingestion workflow, so large documents never travel in
-- workflow inputs (Temporal payloads are capped at a few MB).
CREATE TABLE document_uploads (
  id          text        PRIMARY KEY,
  tenant_id   text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  content     text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Conversation messages become searchable too: keyword ranking here, vectors in the store.
ALTER TABLE conversation_messages
  ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  ADD COLUMN embedded boolean NOT NULL DEFAULT false;
CREATE INDEX conversation_messages_tsv ON conversation_messages USING gin (tsv);
CREATE INDEX conversation_messages_pending ON conversation_messages (tenant_id) WHERE NOT embedded;
