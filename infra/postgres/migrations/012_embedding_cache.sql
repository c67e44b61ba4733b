-- Embedding cache: the same text is never embedded twice by the same model. Keyed by the model
-- id (`local/all-MiniLM-L6-v2`, `openai/text-embedding-3-small`, ...), the vector size (one model
-- can be asked for shortened vectors) and the sha256 of the exact text. The column is an
-- unconstrained pgvector `vector` so one table serves every model; the CHECK keeps each row's
-- length equal to the dimension recorded beside it. Never exposed through the API: it holds
-- vectors, not texts.
CREATE TABLE embedding_cache (
  model        text        NOT NULL,
  dimension    integer     NOT NULL CHECK (dimension > 0),
  text_sha256  bytea       NOT NULL CHECK (length(text_sha256) = 32),
  embedding    vector      NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, dimension, text_sha256),
  CHECK (vector_dims(embedding) = dimension)
);
