import { newId } from '../platform/ids.ts';
import type { Chunk } from '../core/memory/chunker.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export interface StoredDocument {
  id: string;
  tenantId: string;
  collection: string;
  source: string;
  title: string;
  mime: string;
  contentHash: string;
  metadata: Record<string, unknown>;
  status: 'ingesting' | 'ready';
  chunkCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PendingChunk {
  id: string;
  documentId: string;
  collection: string;
  source: string;
  seq: number;
  headingPath: string;
  text: string;
  metadata: Record<string, unknown>;
}

export interface DocumentInfo {
  tenantId: string;
  collection: string;
  source: string;
  title: string;
  mime: string;
  contentHash: string;
  metadata: Record<string, unknown>;
}

/** What preparing a document did: nothing (unchanged), resumed an unfinished one, or (re)wrote its chunks. */
export type PrepareOutcome = 'unchanged' | 'resumed' | 'created' | 'replaced';

interface DocumentRow {
  id: string;
  tenant_id: string;
  collection: string;
  source: string;
  title: string;
  mime: string;
  content_hash: string;
  metadata: Record<string, unknown>;
  status: 'ingesting' | 'ready';
  chunk_count: number;
  created_at: Date;
  updated_at: Date;
}

const toDocument = (r: DocumentRow): StoredDocument => ({
  id: r.id,
  tenantId: r.tenant_id,
  collection: r.collection,
  source: r.source,
  title: r.title,
  mime: r.mime,
  contentHash: r.content_hash,
  metadata: r.metadata,
  status: r.status,
  chunkCount: r.chunk_count,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const COLUMNS = 'id, tenant_id, collection, source, title, mime, content_hash, metadata, status, chunk_count, created_at, updated_at';

export function createDocumentStore(pool: Pool) {
  return {
    async stageUpload(tenantId: string, content: string): Promise<string> {
      const id = newId('upl');
      await pool.query('INSERT INTO document_uploads (id, tenant_id, content) VALUES ($1, $2, $3)', [id, tenantId, content]);
      return id;
    },

    async readUpload(tenantId: string, id: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ content: string }>('SELECT content FROM document_uploads WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0]?.content;
    },

    async dropUpload(tenantId: string, id: string): Promise<void> {
      await pool.query('DELETE FROM document_uploads WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    },

    async find(tenantId: string, collection: string, source: string): Promise<StoredDocument | undefined> {
      const { rows } = await pool.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE tenant_id = $1 AND collection = $2 AND source = $3`, [tenantId, collection, source]);
      return rows[0] && toDocument(rows[0]);
    },

    /**
     * Records a document and its chunks. Same content as a finished document: nothing to do.
     * Same content as an unfinished one (a crash mid-way): its chunks not yet embedded. New or
     * changed content: the old chunks are replaced (the caller has removed their vectors).
     */
    prepare(info: DocumentInfo, chunks: Chunk[]): Promise<{ document: StoredDocument; outcome: PrepareOutcome; pending: string[] }> {
      return withTransaction(pool, async (db) => {
        const existing = await db.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE tenant_id = $1 AND collection = $2 AND source = $3 FOR UPDATE`, [info.tenantId, info.collection, info.source]);
        const found = existing.rows[0];
        if (found && found.content_hash === info.contentHash) {
          if (found.status === 'ready') return { document: toDocument(found), outcome: 'unchanged' as const, pending: [] };
          const { rows } = await db.query<{ id: string }>('SELECT id FROM document_chunks WHERE document_id = $1 AND NOT embedded ORDER BY seq', [found.id]);
          return { document: toDocument(found), outcome: 'resumed' as const, pending: rows.map((r) => r.id) };
        }
        let row: DocumentRow;
        if (found) {
          await db.query('DELETE FROM document_chunks WHERE document_id = $1', [found.id]);
          const { rows } = await db.query<DocumentRow>(
            `UPDATE documents SET title = $2, mime = $3, content_hash = $4, metadata = $5, status = 'ingesting', chunk_count = $6, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
            [found.id, info.title, info.mime, info.contentHash, JSON.stringify(info.metadata), chunks.length],
          );
          row = rows[0]!;
        } else {
          const { rows } = await db.query<DocumentRow>(
            `INSERT INTO documents (id, tenant_id, collection, source, title, mime, content_hash, metadata, status, chunk_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ingesting', $9) RETURNING ${COLUMNS}`,
            [newId('doc'), info.tenantId, info.collection, info.source, info.title, info.mime, info.contentHash, JSON.stringify(info.metadata), chunks.length],
          );
          row = rows[0]!;
        }
        // Chunk ids carry the content hash: a replaced document never reuses an old chunk's id.
        const ids = chunks.map((c) => `${row.id}-${info.contentHash.slice(0, 8)}-${c.seq}`);
        for (let i = 0; i < chunks.length; i += 200) {
          const batch = chunks.slice(i, i + 200);
          await db.query(
            `INSERT INTO document_chunks (id, document_id, tenant_id, collection, seq, heading_path, text, token_count, content_hash)
             SELECT id, $1, $2, $3, seq, heading_path, text, token_count, content_hash
               FROM unnest($4::text[], $5::int[], $6::text[], $7::text[], $8::int[], $9::text[]) AS c(id, seq, heading_path, text, token_count, content_hash)`,
            [row.id, info.tenantId, info.collection, ids.slice(i, i + 200), batch.map((c) => c.seq), batch.map((c) => c.headingPath), batch.map((c) => c.text), batch.map((c) => c.tokenCount), batch.map((c) => c.contentHash)],
          );
        }
        return { document: toDocument(row), outcome: found ? ('replaced' as const) : ('created' as const), pending: ids };
      });
    },

    async chunks(tenantId: string, ids: string[]): Promise<PendingChunk[]> {
      const { rows } = await pool.query<{ id: string; document_id: string; collection: string; source: string; seq: number; heading_path: string; text: string; metadata: Record<string, unknown> }>(
        `SELECT c.id, c.document_id, c.collection, d.source, c.seq, c.heading_path, c.text, d.metadata
           FROM document_chunks c JOIN documents d ON d.id = c.document_id
          WHERE c.tenant_id = $1 AND c.id = ANY($2::text[]) ORDER BY c.document_id, c.seq`,
        [tenantId, ids],
      );
      return rows.map((r) => ({ id: r.id, documentId: r.document_id, collection: r.collection, source: r.source, seq: r.seq, headingPath: r.heading_path, text: r.text, metadata: r.metadata }));
    },

    async markEmbedded(tenantId: string, ids: string[]): Promise<void> {
      await pool.query('UPDATE document_chunks SET embedded = true WHERE tenant_id = $1 AND id = ANY($2::text[])', [tenantId, ids]);
    },

    async finish(tenantId: string, documentId: string): Promise<void> {
      await pool.query(
        `UPDATE documents SET status = 'ready', updated_at = now(), chunk_count = (SELECT count(*) FROM document_chunks WHERE document_id = $2)
          WHERE tenant_id = $1 AND id = $2 AND NOT EXISTS (SELECT 1 FROM document_chunks WHERE document_id = $2 AND NOT embedded)`,
        [tenantId, documentId],
      );
    },

    async get(tenantId: string, id: string): Promise<StoredDocument | undefined> {
      const { rows } = await pool.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] && toDocument(rows[0]);
    },

    async list(tenantId: string, options: { collection?: string | undefined; limit: number }): Promise<StoredDocument[]> {
      const { rows } = await pool.query<DocumentRow>(
        `SELECT ${COLUMNS} FROM documents WHERE tenant_id = $1 AND ($2::text IS NULL OR collection = $2) ORDER BY updated_at DESC LIMIT $3`,
        [tenantId, options.collection ?? null, options.limit],
      );
      return rows.map(toDocument);
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await pool.query('DELETE FROM documents WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return result.rowCount === 1;
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
