import { createMemoryActivities, CHUNKING_DEFAULTS } from '../../activities/memory/create-memory-activities.ts';
import { createMemoryFromEnv } from '../../composition/memory-from-env.ts';
import { createMemorySearch, type MemorySearch } from '../../core/memory/memory-search.ts';
import { progressFigures, progressLine } from '../../core/memory/ingest-progress.ts';
import { loadEnv } from '../../platform/config.ts';
import { startEmbeddedPostgres } from '../../tooling/stack/embedded-postgres.ts';
import { createConversationStore } from '../../stores/conversations.ts';
import { createDocumentStore } from '../../stores/documents.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { createPool, type Pool } from '../../platform/db/pool.ts';
import { createTenantStore } from '../../stores/tenants.ts';
import { freePorts } from '../../tooling/bench/free-ports.ts';
import type { BeirDataset } from './beir-dataset.ts';

export interface ChunkingSettings {
  chunkTokens: number;
  overlapTokens: number;
  titlePrefix: boolean;
}

export interface IngestFigures {
  chunks: number;
  seconds: number;
  /** Chunks embedded per second, and per core the embedder had. */
  chunksPerSecond: number;
}

export interface MemoryHarness {
  pool: Pool;
  tenantId: string;
  search: MemorySearch;
  chunking: ChunkingSettings;
  /**
   * Ingests a BEIR corpus through the same activities the ingestion workflow runs, in the
   * workflow's order (read and chunk, embed in batches across documents, finish), printing
   * the same progress figures the workflow's query answers.
   */
  ingest(corpus: BeirDataset['corpus'], collection: string): Promise<IngestFigures>;
  /** Every chunk indexed, as the reference BM25 needs it: id, document id, indexed text. */
  chunks(collection: string): Promise<Array<{ id: string; doc: string; text: string; tokens: string[] }>>;
  /** A text's terms as keyword search sees them (Postgres 'english' lexemes, repeated by frequency). */
  terms(text: string): Promise<string[]>;
  close(): Promise<void>;
}

const flag = (value: string | undefined, fallback: boolean) => (value === undefined ? fallback : !/^(0|false|no)$/i.test(value));

/**
 * The memory pipeline without Temporal around it, for evaluation: DATABASE_URL's Postgres, or
 * a fresh in-memory PGlite; the configured embedder and vector store; a tenant of its own.
 * Chunking follows CHUNK_TOKENS, CHUNK_OVERLAP and CHUNK_TITLE_PREFIX (the platform's
 * defaults otherwise), so the policies can be compared.
 */
export async function startMemoryHarness(options: { batch?: number; quiet?: boolean } = {}): Promise<MemoryHarness> {
  const env = loadEnv();
  const chunking: ChunkingSettings = {
    chunkTokens: Number(process.env.CHUNK_TOKENS ?? CHUNKING_DEFAULTS.chunkTokens),
    overlapTokens: Number(process.env.CHUNK_OVERLAP ?? CHUNKING_DEFAULTS.overlapTokens),
    titlePrefix: flag(process.env.CHUNK_TITLE_PREFIX, CHUNKING_DEFAULTS.titlePrefix),
  };
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ port: (await freePorts(1))[0]! });
  const pool = createPool(env.DATABASE_URL ?? embedded!.url, 4);
  await migrate(pool);
  const tenant = await createTenantStore(pool).create(`eval ${new Date().toISOString()}`);
  const memory = await createMemoryFromEnv(env, pool);
  const search = createMemorySearch({ pool, ...memory });
  const documents = createDocumentStore(pool);
  const activities = createMemoryActivities({ documents, conversations: createConversationStore(pool), search, ...memory, ...chunking });
  const batch = options.batch ?? 64;
  return {
    pool,
    tenantId: tenant.id,
    search,
    chunking,
    async ingest(corpus, collection) {
      const started = performance.now();
      let chunks = 0;
      let known = 0;
      let done = 0;
      let lastPrint = 0;
      const report = (force = false) => {
        const now = performance.now();
        if (options.quiet || (!force && now - lastPrint < 2000)) return;
        lastPrint = now;
        const figures = progressFigures({ startedAtMs: started, nowMs: now, documentsDone: done, documentsTotal: corpus.length, chunksDone: chunks, chunksTotal: known });
        process.stderr.write(`${progressLine(figures)}\n`);
      };
      let pending: string[] = [];
      let finishing: Array<{ documentId: string; uploadId: string }> = [];
      const flush = async () => {
        // Two batches in flight, as the workflow runs them: one is written while the other is computed.
        const batches: string[][] = [];
        for (let i = 0; i < pending.length; i += batch) batches.push(pending.slice(i, i + batch));
        let next = 0;
        await Promise.all(
          [0, 1].map(async () => {
            while (next < batches.length) {
              const n = await activities.embedChunks({ tenantId: tenant.id, chunkIds: batches[next++]! });
              chunks += n;
            }
          }),
        );
        for (const f of finishing) await activities.finishDocument({ tenantId: tenant.id, ...f });
        done += finishing.length;
        pending = [];
        finishing = [];
        report();
      };
      for (const doc of corpus) {
        const uploadId = await documents.stageUpload(tenant.id, doc.title ? `# ${doc.title}\n\n${doc.text}` : doc.text);
        const prepared = await activities.prepareDocument({ tenantId: tenant.id, collection, item: { source: doc._id, uploadId, mime: 'text/markdown', ...(doc.title && { title: doc.title }) } });
        known += prepared.chunkCount;
        pending.push(...prepared.pending);
        finishing.push({ documentId: prepared.documentId, uploadId });
        // Whole batches across documents: short documents do not make short inference calls.
        if (pending.length >= batch) await flush();
      }
      await flush();
      report(true);
      const seconds = (performance.now() - started) / 1000;
      return { chunks, seconds, chunksPerSecond: chunks / seconds };
    },
    async chunks(collection) {
      const { rows } = await pool.query<{ id: string; doc: string; text: string; tokens: string[] | null }>(
        `SELECT c.id, d.source AS doc, c.heading_path || ' ' || c.text AS text,
                (SELECT array_agg(l.lexeme) FROM unnest(c.tsv) AS l, generate_series(1, coalesce(array_length(l.positions, 1), 1))) AS tokens
           FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE c.tenant_id = $1 AND c.collection = $2 ORDER BY c.id`,
        [tenant.id, collection],
      );
      return rows.map((r) => ({ ...r, tokens: r.tokens ?? [] }));
    },
    async terms(text) {
      const { rows } = await pool.query<{ tokens: string[] | null }>(
        `SELECT array_agg(l.lexeme) AS tokens FROM unnest(to_tsvector('english', $1)) AS l, generate_series(1, coalesce(array_length(l.positions, 1), 1))`,
        [text],
      );
      return rows[0]?.tokens ?? [];
    },
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
