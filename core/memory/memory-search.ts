import type { ChatRole } from '../providers/provider.ts';
import type { MetadataFilter } from './metadata-filter.ts';
import type { SearchSource } from './memory-types.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { filterToSql } from '../../stores/vectors/metadata-filter-sql.ts';
import type { VectorStore } from '../../stores/vectors/vector-store.ts';
import type { Embedder } from '../embeddings/embedder.ts';

export type SearchMode = 'hybrid' | 'dense' | 'keyword';

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
 * The query's terms (stemmed, stop words dropped) ORed, as BM25 scores any matching term:
 * ANDing every word of a natural-language question finds almost nothing. The text rewritten is
 * Postgres's own rendering of plainto_tsquery (lexemes quoted), so it always parses again. A
 * query of stop words only ("the", "?") has no lexeme (numnode 0): the query is NULL and matches
 * nothing, so keyword search finds nothing and hybrid search is the dense list alone.
 */
const ANY_TERM = `(SELECT CASE WHEN numnode(t.terms) = 0 THEN NULL ELSE replace(t.terms::text, ' & ', ' | ')::tsquery END AS query
                     FROM (SELECT plainto_tsquery('english', $2) AS terms) AS t)`;

/** Reciprocal rank fusion's constant: 60, as in Cormack et al. and most hybrid engines. */
export const RRF_K = 60;

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
 * Search over a tenant's documents and conversations: dense (the vector store), keyword
 * (Postgres full text over any of the query's terms, ranked with ts_rank — BM25-like: term
 * frequency with document-length normalisation), or both fused with reciprocal rank fusion.
 */
export function createMemorySearch(deps: MemorySearchDeps) {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

  async function dense(req: SearchRequest, limit: number): Promise<string[]> {
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
    if (scopes.length === 0) return [];
    const [vector] = await deps.embedder.embed([req.query]);
    const matches = await deps.vectors.query(req.tenantId, { vector: Array.from(vector!), topK: limit, filter: scopes.length === 1 ? scopes[0]! : { $or: scopes } });
    return matches.map((m) => m.id);
  }

  async function keyword(req: SearchRequest, limit: number): Promise<string[]> {
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
    return ranked.sort((a, b) => Number(b.rank) - Number(a.rank)).slice(0, limit).map((r) => r.id);
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
    const messages = await deps.pool.query<{ id: string; content: string; conversation_id: string; role: ChatRole; seq: number; created_at: Date }>(
      'SELECT id, content, conversation_id, role, seq, created_at FROM conversation_messages WHERE tenant_id = $1 AND id = ANY($2::text[])',
      [tenantId, ids],
    );
    for (const r of messages.rows) {
      out.set(r.id, { text: r.content, source: { type: 'conversation', conversation_id: r.conversation_id, role: r.role, seq: r.seq, created_at: r.created_at.toISOString() } });
    }
    return out;
  }

  return {
    async search(req: SearchRequest): Promise<SearchHit[]> {
      // Fusion needs more candidates than it returns: a hit ranked low in one list may win.
      const pool = req.mode === 'hybrid' ? Math.max(req.k * 4, 40) : req.k;
      const [denseIds, keywordIds] = await Promise.all([
        req.mode === 'keyword' ? Promise.resolve([]) : dense(req, pool),
        req.mode === 'dense' ? Promise.resolve([]) : keyword(req, pool),
      ]);
      const scores = new Map<string, { score: number; ranks: SearchHit['ranks'] }>();
      const add = (ids: string[], list: 'dense' | 'keyword') =>
        ids.forEach((id, i) => {
          const entry = scores.get(id) ?? { score: 0, ranks: {} };
          entry.ranks[list] = i + 1;
          entry.score += 1 / (RRF_K + i + 1);
          scores.set(id, entry);
        });
      add(denseIds, 'dense');
      add(keywordIds, 'keyword');
      const ordered = [...scores.entries()].sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0])).slice(0, req.k);
      const found = await hydrate(req.tenantId, ordered.map(([id]) => id));
      // A vector whose row was deleted meanwhile is dropped rather than shown without text.
      return ordered.flatMap(([id, { score, ranks }]) => {
        const row = found.get(id);
        return row ? [{ id, text: row.text, score: Number(score.toFixed(6)), ranks, source: row.source }] : [];
      });
    },
  };
}

export type MemorySearch = ReturnType<typeof createMemorySearch>;
