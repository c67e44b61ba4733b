-- Okapi BM25 over memory, scored in SQL (core/memory/bm25.ts), so it runs the same on the
-- embedded PGlite and on any PostgreSQL, no extension needed. Terms are the lexemes of the
-- generated `tsv` columns (Postgres's 'english' configuration: lowercased, stop words dropped,
-- Snowball-stemmed), so keyword search tokenises documents and queries one way.
--
-- Statistics are kept per tenant and scope. A scope is a document collection, or
-- '#conversations' for a tenant's messages ('#' is not allowed in collection names): IDF and the
-- average length come from the scope's own items only, so one tenant's (or collection's)
-- documents never move another's scores. Statement-level triggers keep them right in the same
-- transaction as every insert, update (of the text) and delete of a chunk or a message,
-- cascades included.

CREATE TABLE bm25_scopes (
  tenant_id     text   NOT NULL,
  scope         text   NOT NULL,
  item_count    bigint NOT NULL,
  total_length  bigint NOT NULL,
  PRIMARY KEY (tenant_id, scope)
);

-- Document frequency: items of the scope holding the term.
CREATE TABLE bm25_terms (
  tenant_id  text    NOT NULL,
  scope      text    NOT NULL,
  term       text    NOT NULL,
  df         integer NOT NULL,
  PRIMARY KEY (tenant_id, scope, term)
);

-- One row per (term, item): its frequency in the item, and the item's length (in terms, stop
-- words excluded) repeated here so scoring reads one table.
CREATE TABLE bm25_postings (
  tenant_id    text    NOT NULL,
  scope        text    NOT NULL,
  term         text    NOT NULL,
  item_id      text    NOT NULL,
  tf           integer NOT NULL,
  item_length  integer NOT NULL,
  PRIMARY KEY (tenant_id, scope, term, item_id)
);

-- The (term, item, tf) rows of a set of items.
CREATE FUNCTION soma_bm25_rows(tenants text[], scopes text[], items text[], vectors tsvector[])
RETURNS TABLE (tenant_id text, scope text, term text, item_id text, tf integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT r.tenant_id, r.scope, l.lexeme, r.item_id, coalesce(array_length(l.positions, 1), 1)
    FROM unnest(tenants, scopes, items, vectors) AS r(tenant_id, scope, item_id, tsv), unnest(r.tsv) AS l
$$;

-- Adds (sign 1) or removes (sign -1) items' terms. Rows are taken in key order so two
-- transactions updating the same terms lock them in the same order (no deadlock).
CREATE FUNCTION soma_bm25_apply(sign integer, tenants text[], scopes text[], items text[], vectors tsvector[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF sign > 0 THEN
    INSERT INTO bm25_postings (tenant_id, scope, term, item_id, tf, item_length)
      SELECT d.tenant_id, d.scope, d.term, d.item_id, d.tf, sum(d.tf) OVER (PARTITION BY d.tenant_id, d.scope, d.item_id)
        FROM soma_bm25_rows(tenants, scopes, items, vectors) AS d ORDER BY 1, 2, 3, 4
      ON CONFLICT ON CONSTRAINT bm25_postings_pkey DO NOTHING;
    INSERT INTO bm25_terms (tenant_id, scope, term, df)
      SELECT d.tenant_id, d.scope, d.term, count(*) FROM soma_bm25_rows(tenants, scopes, items, vectors) AS d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ON CONSTRAINT bm25_terms_pkey DO UPDATE SET df = bm25_terms.df + EXCLUDED.df;
  ELSE
    DELETE FROM bm25_postings p USING soma_bm25_rows(tenants, scopes, items, vectors) AS d
     WHERE p.tenant_id = d.tenant_id AND p.scope = d.scope AND p.term = d.term AND p.item_id = d.item_id;
    UPDATE bm25_terms t SET df = t.df - g.n
      FROM (SELECT d.tenant_id, d.scope, d.term, count(*) AS n FROM soma_bm25_rows(tenants, scopes, items, vectors) AS d GROUP BY 1, 2, 3) AS g
     WHERE t.tenant_id = g.tenant_id AND t.scope = g.scope AND t.term = g.term;
    DELETE FROM bm25_terms t USING soma_bm25_rows(tenants, scopes, items, vectors) AS d
     WHERE t.tenant_id = d.tenant_id AND t.scope = d.scope AND t.term = d.term AND t.df <= 0;
  END IF;

  -- Every item counts towards N and the average length, even one of stop words only.
  INSERT INTO bm25_scopes (tenant_id, scope, item_count, total_length)
    SELECT r.tenant_id, r.scope, sign * count(*), sign * coalesce(sum(length_of.n), 0)
      FROM unnest(tenants, scopes, items, vectors) AS r(tenant_id, scope, item_id, tsv)
      CROSS JOIN LATERAL (SELECT coalesce(sum(coalesce(array_length(l.positions, 1), 1)), 0) AS n FROM unnest(r.tsv) AS l) AS length_of
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT bm25_scopes_pkey DO UPDATE
      SET item_count = bm25_scopes.item_count + EXCLUDED.item_count, total_length = bm25_scopes.total_length + EXCLUDED.total_length;
  DELETE FROM bm25_scopes s USING (SELECT DISTINCT x.t, x.s FROM unnest(tenants, scopes) AS x(t, s)) AS touched
   WHERE s.tenant_id = touched.t AND s.scope = touched.s AND s.item_count <= 0;
END $$;

-- Document chunks: scope = collection.
CREATE FUNCTION soma_bm25_chunks_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(1, array_agg(n.tenant_id), array_agg(n.collection), array_agg(n.id), array_agg(n.tsv)) FROM new_rows n HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION soma_bm25_chunks_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(-1, array_agg(o.tenant_id), array_agg(o.collection), array_agg(o.id), array_agg(o.tsv)) FROM old_rows o HAVING count(*) > 0;
  RETURN NULL;
END $$;

-- Most updates only flip `embedded`; only rows whose terms or scope changed are re-counted.
CREATE FUNCTION soma_bm25_chunks_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(-1, array_agg(o.tenant_id), array_agg(o.collection), array_agg(o.id), array_agg(o.tsv))
     FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.tsv IS DISTINCT FROM n.tsv OR o.collection IS DISTINCT FROM n.collection OR o.tenant_id IS DISTINCT FROM n.tenant_id
   HAVING count(*) > 0;
  PERFORM soma_bm25_apply(1, array_agg(n.tenant_id), array_agg(n.collection), array_agg(n.id), array_agg(n.tsv))
     FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.tsv IS DISTINCT FROM n.tsv OR o.collection IS DISTINCT FROM n.collection OR o.tenant_id IS DISTINCT FROM n.tenant_id
   HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE TRIGGER document_chunks_bm25_insert AFTER INSERT ON document_chunks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_chunks_insert();
CREATE TRIGGER document_chunks_bm25_delete AFTER DELETE ON document_chunks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_chunks_delete();
CREATE TRIGGER document_chunks_bm25_update AFTER UPDATE ON document_chunks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_chunks_update();

-- Conversation messages: one scope per tenant.
CREATE FUNCTION soma_bm25_messages_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(1, array_agg(n.tenant_id), array_agg('#conversations'::text), array_agg(n.id), array_agg(n.tsv)) FROM new_rows n HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION soma_bm25_messages_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(-1, array_agg(o.tenant_id), array_agg('#conversations'::text), array_agg(o.id), array_agg(o.tsv)) FROM old_rows o HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION soma_bm25_messages_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM soma_bm25_apply(-1, array_agg(o.tenant_id), array_agg('#conversations'::text), array_agg(o.id), array_agg(o.tsv))
     FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.tsv IS DISTINCT FROM n.tsv OR o.tenant_id IS DISTINCT FROM n.tenant_id
   HAVING count(*) > 0;
  PERFORM soma_bm25_apply(1, array_agg(n.tenant_id), array_agg('#conversations'::text), array_agg(n.id), array_agg(n.tsv))
     FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.tsv IS DISTINCT FROM n.tsv OR o.tenant_id IS DISTINCT FROM n.tenant_id
   HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE TRIGGER conversation_messages_bm25_insert AFTER INSERT ON conversation_messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_messages_insert();
CREATE TRIGGER conversation_messages_bm25_delete AFTER DELETE ON conversation_messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_messages_delete();
CREATE TRIGGER conversation_messages_bm25_update AFTER UPDATE ON conversation_messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION soma_bm25_messages_update();

-- What was stored before this migration.
SELECT soma_bm25_apply(1, array_agg(tenant_id), array_agg(collection), array_agg(id), array_agg(tsv)) FROM document_chunks HAVING count(*) > 0;
SELECT soma_bm25_apply(1, array_agg(tenant_id), array_agg('#conversations'::text), array_agg(id), array_agg(tsv)) FROM conversation_messages HAVING count(*) > 0;
