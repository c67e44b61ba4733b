import type { ChatRole } from '../providers/provider.ts';
import type { MetadataFilter } from './metadata-filter.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { filterToSql } from '../../stores/vectors/metadata-filter-sql.ts';

/**
 * Okapi BM25 over the term statistics that migration 021 keeps per tenant and scope (a
 * collection, or '#conversations'):
 *
 *   score(D, Q) = Σ_{t ∈ Q} qtf(t) · idf(t) · tf(t, D) · (k1 + 1) / (tf(t, D) + k1 · (1 − b + b · |D| / avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * N, df and avgdl are the scope's own; |D| counts the item's terms (stop words excluded). The
 * IDF is Lucene's (never negative, unlike the original Robertson–Spärck Jones form that
 * rank_bm25 uses with an epsilon floor); a query term that repeats counts that many times, as
 * in Anserini's bag-of-words queries. Terms are Postgres's 'english' lexemes of the text with
 * ASCII punctuation turned into spaces (soma_search_text, migrations 021-022): lowercased, stop
 * words dropped, Snowball-stemmed. Queries are tokenised the same way.
 */
export interface Bm25Parameters {
  /** Term-frequency saturation: 0 = presence only; larger = more weight to repetitions. */
  k1: number;
  /** Length normalisation: 0 = none, 1 = full. */
  b: number;
}

/**
 * Chosen on the development set (docs/docs/memory/documents-and-search.md): k1 0.9, b 0.4
 * measured above Lucene's 1.2 / 0.75 with every tokenisation tried; they are also Anserini's
 * BEIR baseline settings. Callers may pass others.
 */
export const DEFAULT_BM25: Bm25Parameters = { k1: 0.9, b: 0.4 };

/** The scope of a tenant's conversation messages ('#' never appears in a collection name). */
export const CONVERSATIONS_SCOPE = '#conversations';

export interface Bm25Hit {
  id: string;
  score: number;
}

/** Query terms with their counts, as the documents were tokenised. */
const QUERY_TERMS = `SELECT l.lexeme AS term, coalesce(array_length(l.positions, 1), 1) AS qtf FROM unnest(to_tsvector('english', soma_search_text($2))) AS l`;

/**
 * Per-term weight (qtf · idf) with the scope's average length, then each item's score. The
 * term and scope lists are repeated as `= ANY(ARRAY(...))` conditions so that every lookup is
 * an index range scan on (tenant, scope, term) whatever the planner's row estimates are (left
 * to itself on fresh, unanalysed tables it scanned a scope's every posting). Terms the scope has
 * never seen drop out (they match nothing there).
 */
const weights = (scopeFilter: string) => `
  q AS (${QUERY_TERMS}),
  s AS (SELECT scope, item_count::float8 AS n, total_length::float8 / greatest(item_count, 1) AS avgdl
          FROM bm25_scopes WHERE tenant_id = $1 AND ${scopeFilter}),
  w AS (SELECT t.scope, t.term, q.qtf * ln(1 + (s.n - t.df + 0.5) / (t.df + 0.5)) AS weight, greatest(s.avgdl, 1e-9) AS avgdl
          FROM bm25_terms t JOIN q ON q.term = t.term JOIN s ON s.scope = t.scope
         WHERE t.tenant_id = $1 AND t.scope = ANY(ARRAY(SELECT scope FROM s)) AND t.term = ANY(ARRAY(SELECT term FROM q))),
  scored AS (SELECT p.item_id, sum(w.weight * p.tf * ($3::float8 + 1) / (p.tf + $3::float8 * (1 - $4::float8 + $4::float8 * p.item_length / w.avgdl))) AS score
               FROM bm25_postings p JOIN w ON p.scope = w.scope AND p.term = w.term
              WHERE p.tenant_id = $1 AND p.scope = ANY(ARRAY(SELECT scope FROM s)) AND p.term = ANY(ARRAY(SELECT term FROM q))
              GROUP BY p.item_id)`;

export interface ChunkBm25Query {
  tenantId: string;
  query: string;
  limit: number;
  collections?: string[] | undefined;
  metadata?: MetadataFilter | undefined;
  parameters?: Bm25Parameters | undefined;
}

export interface MessageBm25Query {
  tenantId: string;
  query: string;
  limit: number;
  conversationId?: string | undefined;
  role?: ChatRole | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  parameters?: Bm25Parameters | undefined;
}

function checked(p: Bm25Parameters | undefined): Bm25Parameters {
  const { k1, b } = p ?? DEFAULT_BM25;
  if (!(Number.isFinite(k1) && k1 >= 0) || !(Number.isFinite(b) && b >= 0 && b <= 1)) throw new RangeError(`BM25 needs k1 >= 0 and 0 <= b <= 1 (got k1=${k1}, b=${b})`);
  return { k1, b };
}

export function createBm25(pool: Pool) {
  return {
    /** Document chunks, best first, in the given collections (all of the tenant's by default). */
    async chunks(req: ChunkBm25Query): Promise<Bm25Hit[]> {
      const { k1, b } = checked(req.parameters);
      const params: unknown[] = [req.tenantId, req.query, k1, b, req.collections?.length ? req.collections : null, req.limit];
      const meta = req.metadata ? filterToSql(req.metadata, params, 'd.metadata') : 'true';
      const { rows } = await pool.query<{ id: string; score: number }>(
        `WITH ${weights(`scope <> '${CONVERSATIONS_SCOPE}' AND ($5::text[] IS NULL OR scope = ANY($5))`)}
         SELECT c.id, scored.score FROM scored
           JOIN document_chunks c ON c.id = scored.item_id AND c.tenant_id = $1
           ${req.metadata ? 'JOIN documents d ON d.id = c.document_id' : ''}
          WHERE ${meta}
          ORDER BY scored.score DESC, c.id LIMIT $6`,
        params,
      );
      return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
    },

    /** Conversation messages, best first, within the filters. */
    async messages(req: MessageBm25Query): Promise<Bm25Hit[]> {
      const { k1, b } = checked(req.parameters);
      const { rows } = await pool.query<{ id: string; score: number }>(
        `WITH ${weights(`scope = '${CONVERSATIONS_SCOPE}'`)}
         SELECT m.id, scored.score FROM scored JOIN conversation_messages m ON m.id = scored.item_id AND m.tenant_id = $1
          WHERE ($5::text IS NULL OR m.conversation_id = $5) AND ($6::text IS NULL OR m.role = $6)
            AND ($7::timestamptz IS NULL OR m.created_at >= $7) AND ($8::timestamptz IS NULL OR m.created_at <= $8)
          ORDER BY scored.score DESC, m.id LIMIT $9`,
        [req.tenantId, req.query, k1, b, req.conversationId ?? null, req.role ?? null, req.from ?? null, req.to ?? null, req.limit],
      );
      return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
    },

    /** A scope's statistics (N, total length, df of the given terms): for tests and operators. */
    async statistics(tenantId: string, scope: string, terms: string[]): Promise<{ n: number; totalLength: number; df: Record<string, number> }> {
      const s = await pool.query<{ item_count: string; total_length: string }>('SELECT item_count, total_length FROM bm25_scopes WHERE tenant_id = $1 AND scope = $2', [tenantId, scope]);
      const t = await pool.query<{ term: string; df: number }>('SELECT term, df FROM bm25_terms WHERE tenant_id = $1 AND scope = $2 AND term = ANY($3::text[])', [tenantId, scope, terms]);
      return { n: Number(s.rows[0]?.item_count ?? 0), totalLength: Number(s.rows[0]?.total_length ?? 0), df: Object.fromEntries(t.rows.map((r) => [r.term, r.df])) };
    },
  };
}

export type Bm25 = ReturnType<typeof createBm25>;
