import type { ChatRole } from '../providers/provider.ts';
import type { MetadataFilter } from './metadata-filter.ts';
import type { SearchSource } from './memory-types.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { filterToSql } from '../../stores/vectors/metadata-filter-sql.ts';
import type { VectorStore } from '../../stores/vectors/vector-store.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { createBm25, DEFAULT_BM25, type Bm25Parameters } from './bm25.ts';
import { DEFAULT_FUSION, fuse, type FusionOptions, type RankedList } from './fusion.ts';

/**
 * `keyword` is Okapi BM25 (core/memory/bm25.ts). `keyword_tsrank` is the ranking this platform
 * used before it (Postgres ts_rank: term frequency with length normalisation, no IDF), kept
 * only so the evaluation can show it beside BM25; the API does not offer it.
 */
export type SearchMode = 'hybrid' | 'dense' | 'keyword' | 'keyword_tsrank';

export interface SearchRequest {
  tenantId: string;
  query: string;
  k: number;
  mode: SearchMode;
  documents: boolean;
  conversations: boolean;
  collections?: string[] | undefined;
  conversationId?: string | undefined;
  role?: ChatRole | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Over the documents' own metadata. */
  metadata?: MetadataFilter | undefined;
  /** BM25's k1 and b (DEFAULT_BM25 when not given). */
  bm25?: Bm25Parameters | undefined;
  /** How hybrid search fuses the two lists (DEFAULT_FUSION when not given). */
  fusion?: Partial<FusionOptions> | undefined;
  /** Candidates each list contributes to a hybrid search (default max(4k, 40)). */
  candidates?: number | undefined;
}

export interface SearchHit {
  /** The chunk or message id: what a RAG answer cites. */
  id: string;
  text: string;
  score: number;
  /** 1-based rank in each list that found it. */
  ranks: { dense?: number; keyword?: number };
  source: SearchSource;
}

/**
 * For keyword_tsrank only: the query's terms ORed (ANDing every word of a question finds almost
 * nothing). The text rewritten is Postgres's own rendering of plainto_tsquery, so it always
 * parses again; a query of stop words only has no lexeme and matches nothing.
 */
const ANY_TERM = `(SELECT CASE WHEN numnode(t.terms) = 0 THEN NULL ELSE replace(t.terms::text, ' & ', ' | ')::tsquery END AS query
                     FROM (SELECT plainto_tsquery('english', $2) AS terms) AS t)`;

export { RRF_K } from './fusion.ts';

/** Moves document-metadata fields under `meta.`, where chunk vectors keep them. */
function prefixed(filter: MetadataFilter): MetadataFilter {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') out[key] = (value as MetadataFilter[]).map(prefixed);
    else out[`meta.${key}`] = value;
  }
  return out as MetadataFilter;
}

export interface MemorySearchDeps {
  pool: Pool;
  vectors: VectorStore;
  embedder: Embedder;
}

/**
 * Search over a tenant's documents and conversations: dense (the vector store, cosine
 * similarity), keyword (Okapi BM25 over per-tenant, per-collection term statistics in
 * Postgres), or both fused (core/memory/fusion.ts). A hit's score is its cosine similarity,
 * its BM25 score, or its fused score.
 */
export function createMemorySearch(deps: MemorySearchDeps) {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  const bm25 = createBm25(deps.pool);

  async function dense(req: SearchRequest, limit: number): Promise<RankedList> {
    const scopes: MetadataFilter[] = [];
    if (req.documents) {
      const f: MetadataFilter = { kind: 'chunk' };
      if (req.collections?.length) f.collection = { $in: req.collections };
      scopes.push(req.metadata ? { $and: [f, prefixed(req.metadata)] } : f);
    }
    if (req.conversations) {
      const f: MetadataFilter = { kind: 'message' };
      if (req.conversationId) f.conversation_id = req.conversationId;
      if (req.role) f.role = req.role;
      if (req.from || req.to) f.created_at = { ...(req.from && { $gte: seconds(req.from) }), ...(req.to && { $lte: seconds(req.to) }) };
      scopes.push(f);
    }
    if (scopes.length === 0) return { ids: [], scores: [] };
    const [vector] = await deps.embedder.embed([req.query]);
    const matches = await deps.vectors.query(req.tenantId, { vector: Array.from(vector!), topK: limit, filter: scopes.length === 1 ? scopes[0]! : { $or: scopes } });
    return { ids: matches.map((m) => m.id), scores: matches.map((m) => m.score) };
  }

  /** BM25 over chunks and messages; each scope scores with its own statistics. */
  async function keyword(req: SearchRequest, limit: number): Promise<RankedList> {
    const parameters = req.bm25 ?? DEFAULT_BM25;
    const [chunks, messages] = await Promise.all([
      req.documents ? bm25.chunks({ tenantId: req.tenantId, query: req.query, limit, collections: req.collections, metadata: req.metadata, parameters }) : [],
      req.conversations
        ? bm25.messages({ tenantId: req.tenantId, query: req.query, limit, conversationId: req.conversationId, role: req.role, from: req.from, to: req.to, parameters })
        : [],
    ]);
    const ranked = [...chunks, ...messages].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
    return { ids: ranked.map((r) => r.id), scores: ranked.map((r) => r.score) };
  }

  async function tsrank(req: SearchRequest, limit: number): Promise<RankedList> {
    const ranked: Array<{ id: string; rank: number }> = [];
    if (req.documents) {
      const params: unknown[] = [req.tenantId, req.query, req.collections?.length ? req.collections : null, limit];
      const meta = req.metadata ? filterToSql(req.metadata, params, 'd.metadata') : 'true';
      const { rows } = await deps.pool.query<{ id: string; rank: number }>(
        `SELECT c.id, ts_rank(c.tsv, q.query, 1) AS rank
           FROM document_chunks c JOIN documents d ON d.id = c.document_id, ${ANY_TERM} AS q
          WHERE c.tenant_id = $1 AND c.tsv @@ q.query AND ($3::text[] IS NULL OR c.collection = ANY($3)) AND ${meta}
          ORDER BY rank DESC, c.id LIMIT $4`,
        params,
      );
      ranked.push(...rows);
    }
    if (req.conversations) {
      const { rows } = await deps.pool.query<{ id: string; rank: number }>(
        `SELECT m.id, ts_rank(m.tsv, q.query, 1) AS rank
           FROM conversation_messages m, ${ANY_TERM} AS q
          WHERE m.tenant_id = $1 AND m.tsv @@ q.query
            AND ($3::text IS NULL OR m.conversation_id = $3) AND ($4::text IS NULL OR m.role = $4)
            AND ($5::timestamptz IS NULL OR m.created_at >= $5) AND ($6::timestamptz IS NULL OR m.created_at <= $6)
          ORDER BY rank DESC, m.id LIMIT $7`,
        [req.tenantId, req.query, req.conversationId ?? null, req.role ?? null, req.from ?? null, req.to ?? null, limit],
      );
      ranked.push(...rows);
    }
    const top = ranked.sort((a, b) => Number(b.rank) - Number(a.rank)).slice(0, limit);
    return { ids: top.map((r) => r.id), scores: top.map((r) => Number(r.rank)) };
  }

  async function hydrate(tenantId: string, ids: string[]): Promise<Map<string, { text: string; source: SearchSource }>> {
    const out = new Map<string, { text: string; source: SearchSource }>();
    if (ids.length === 0) return out;
    const chunks = await deps.pool.query<{ id: string; text: string; document_id: string; source: string; title: string; collection: string; seq: number; heading_path: string }>(
      `SELECT c.id, c.text, c.document_id, d.source, d.title, c.collection, c.seq, c.heading_path
         FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE c.tenant_id = $1 AND c.id = ANY($2::text[])`,
      [tenantId, ids],
    );
    for (const r of chunks.rows) {
      out.set(r.id, { text: r.text, source: { type: 'document', document_id: r.document_id, source: r.source, title: r.title, collection: r.collection, seq: r.seq, heading_path: r.heading_path } });
    }
    const messages = await deps.pool.query<{ id: string; content: string; conversation_id: string; role: Exclude<ChatRole, 'tool'>; seq: number; created_at: Date }>(
      'SELECT id, content, conversation_id, role, seq, created_at FROM conversation_messages WHERE tenant_id = $1 AND id = ANY($2::text[])',
      [tenantId, ids],
    );
    for (const r of messages.rows) {
      out.set(r.id, { text: r.content, source: { type: 'conversation', conversation_id: r.conversation_id, role: r.role, seq: r.seq, created_at: r.created_at.toISOString() } });
    }
    return out;
  }

  const empty: RankedList = { ids: [], scores: [] };

  return {
    async search(req: SearchRequest): Promise<SearchHit[]> {
      // Fusion needs more candidates than it returns: a hit ranked low in one list may win.
      const limit = req.mode === 'hybrid' ? Math.max(req.candidates ?? Math.max(req.k * 4, 40), req.k) : req.k;
      const [denseList, keywordList] = await Promise.all([
        req.mode === 'dense' || req.mode === 'hybrid' ? dense(req, limit) : Promise.resolve(empty),
        req.mode === 'keyword' || req.mode === 'hybrid' ? keyword(req, limit) : req.mode === 'keyword_tsrank' ? tsrank(req, limit) : Promise.resolve(empty),
      ]);
      // One list alone keeps its own order (rank fusion of one list is that list).
      const ordered = fuse(denseList, keywordList, req.mode === 'hybrid' ? { ...DEFAULT_FUSION, ...req.fusion } : { ...DEFAULT_FUSION, method: 'rrf' })
        .slice(0, req.k)
        .map((e) => {
          // A single list keeps its own score (cosine, BM25); only a fused list has a fused one.
          if (req.mode === 'hybrid') return e;
          const list = req.mode === 'dense' ? denseList : keywordList;
          return { ...e, score: list.scores[list.ids.indexOf(e.id)]! };
        });
      const found = await hydrate(req.tenantId, ordered.map((e) => e.id));
      // A vector whose row was deleted meanwhile is dropped rather than shown without text.
      return ordered.flatMap(({ id, score, ranks }) => {
        const row = found.get(id);
        return row ? [{ id, text: row.text, score: Number(score.toFixed(6)), ranks, source: row.source }] : [];
      });
    },
  };
}

export type MemorySearch = ReturnType<typeof createMemorySearch>;
