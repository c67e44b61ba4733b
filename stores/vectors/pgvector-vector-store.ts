import type { Pool } from '../../platform/db/pool.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { filterToSql } from './metadata-filter-sql.ts';
import { checkDimension, type VectorMatch, type VectorStore } from './vector-store.ts';
import type { VectorStoreAdapter } from './vector-store-adapter.ts';
import type { VectorMetadata } from '../../core/memory/metadata-filter.ts';

export interface HnswSettings {
  /** Graph degree (pgvector default 16). */
  m: number;
  /** Candidate list while building (pgvector default 64). */
  efConstruction: number;
  /** Candidate list while searching (pgvector default 40); raise for recall, lower for speed. */
  efSearch: number;
}

/**
 * Chosen by `npm run bench:vector`: at 1M clustered 384-dim vectors, ef_construction 64 levels
 * off below 0.95 recall@10 whatever ef_search; 128 with ef_search 200 reaches 0.99 at p95 8 ms.
 */
export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 128, efSearch: 200 };

export interface PgvectorStoreOptions {
  pool: Pool;
  model: string;
  dimension: number;
  hnsw?: Partial<HnswSettings>;
}

/** One table per dimension (an HNSW index needs a fixed one); rows record their model too. */
export const tableFor = (dimension: number) => `memory_vectors_d${dimension}`;

const literal = (values: number[]) => `[${values.join(',')}]`;

/**
 * Creates the dimension's table and its indexes once: HNSW with cosine distance (m and
 * ef_construction apply when the index is first built), a tenant index, and GIN over metadata
 * for equality filters.
 */
export async function ensureVectorTable(pool: Pool, dimension: number, hnsw: HnswSettings): Promise<void> {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16_000) throw new Error(`unsupported vector dimension ${dimension}`);
  const table = tableFor(dimension);
  await withTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await db.query(`CREATE TABLE IF NOT EXISTS ${table} (
      tenant_id   text        NOT NULL,
      id          text        NOT NULL,
      model       text        NOT NULL,
      embedding   vector(${dimension}) NOT NULL,
      metadata    jsonb       NOT NULL DEFAULT '{}',
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${table}_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops) WITH (m = ${Math.trunc(hnsw.m)}, ef_construction = ${Math.trunc(hnsw.efConstruction)})`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${table}_metadata ON ${table} USING gin (metadata jsonb_path_ops)`);
  });
}

/**
 * pgvector behind the VectorStore interface. Tenants share the table and are kept apart by
 * `tenant_id` in every statement. Searches run with `hnsw.iterative_scan`, so a selective filter
 * still gets topK rows instead of whatever survived the first candidate list.
 */
export async function createPgvectorStore(options: PgvectorStoreOptions): Promise<VectorStore> {
  const hnsw = { ...DEFAULT_HNSW, ...options.hnsw };
  const { pool, model, dimension } = options;
  await ensureVectorTable(pool, dimension, hnsw);
  const table = tableFor(dimension);
  const store: VectorStore = {
    kind: 'pgvector',
    model,
    dimension,

    async upsert(namespace, records) {
      checkDimension(store, records.map((r) => r.values));
      for (let i = 0; i < records.length; i += 500) {
        const batch = records.slice(i, i + 500);
        await pool.query(
          `INSERT INTO ${table} (tenant_id, id, model, embedding, metadata)
           SELECT $1, id, $2, embedding, metadata FROM unnest($3::text[], $4::vector[], $5::jsonb[]) AS r(id, embedding, metadata)
           ON CONFLICT (tenant_id, id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata, updated_at = now()`,
          [namespace, model, batch.map((r) => r.id), batch.map((r) => literal(r.values)), batch.map((r) => JSON.stringify(r.metadata))],
        );
      }
    },

    async query(namespace, query) {
      checkDimension(store, [query.vector]);
      const params: unknown[] = [literal(query.vector), namespace, model, Math.max(1, Math.min(1000, Math.trunc(query.topK)))];
      const where = filterToSql(query.filter, params);
      const rows = await withTransaction(pool, async (db) => {
        await db.query(`SET LOCAL hnsw.ef_search = ${Math.max(Math.trunc(hnsw.efSearch), params[3] as number)}`);
        await db.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
        const result = await db.query<{ id: string; metadata: VectorMetadata; score: number; embedding?: string }>(
          `SELECT id, metadata, 1 - (embedding <=> $1::vector) AS score${query.includeValues ? ', embedding::text AS embedding' : ''}
             FROM ${table}
            WHERE tenant_id = $2 AND model = $3 AND ${where}
            ORDER BY embedding <=> $1::vector
            LIMIT $4`,
          params,
        );
        return result.rows;
      });
      // relaxed_order may return near-ties slightly out of order.
      return rows
        .map((r): VectorMatch => ({
          id: r.id,
          score: Number(r.score),
          metadata: r.metadata,
          ...(r.embedding !== undefined && { values: JSON.parse(r.embedding) as number[] }),
        }))
        .sort((a, b) => b.score - a.score);
    },

    async delete(namespace, selector) {
      if ('ids' in selector) {
        if (selector.ids.length === 0) return;
        await pool.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND model = $2 AND id = ANY($3::text[])`, [namespace, model, selector.ids]);
        return;
      }
      const params: unknown[] = [namespace, model];
      const where = filterToSql(selector.filter, params);
      await pool.query(`DELETE FROM ${table} WHERE tenant_id = $1 AND model = $2 AND ${where}`, params);
    },

    async count(namespace, filter) {
      const params: unknown[] = [namespace, model];
      const where = filterToSql(filter, params);
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND model = $2 AND ${where}`, params);
      return rows[0]!.n;
    },
  };
  return store;
}

/** The default: vectors in the deployment's own Postgres, nothing else to run or configure. */
export const pgvectorVectorStore: VectorStoreAdapter<'pgvector'> = {
  id: 'pgvector',
  label: 'pgvector (Postgres)',
  variables: ['PGVECTOR_HNSW_M', 'PGVECTOR_HNSW_EF_CONSTRUCTION', 'PGVECTOR_EF_SEARCH'],
  create: ({ env, pool, embedding }) =>
    createPgvectorStore({
      pool,
      model: embedding.model,
      dimension: embedding.dimension,
      hnsw: { m: env.PGVECTOR_HNSW_M, efConstruction: env.PGVECTOR_HNSW_EF_CONSTRUCTION, efSearch: env.PGVECTOR_EF_SEARCH },
    }),
};
