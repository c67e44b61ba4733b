import { createMemoryActivities } from '../../activities/memory/create-memory-activities.ts';
import { createMemoryFromEnv } from '../../composition/memory-from-env.ts';
import { createMemorySearch, type MemorySearch } from '../../core/memory/memory-search.ts';
import { loadEnv } from '../../platform/config.ts';
import { startEmbeddedPostgres } from '../../tooling/stack/embedded-postgres.ts';
import { createConversationStore } from '../../stores/conversations.ts';
import { createDocumentStore } from '../../stores/documents.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { createPool, type Pool } from '../../platform/db/pool.ts';
import { createTenantStore } from '../../stores/tenants.ts';
import { freePorts } from '../../tooling/bench/free-ports.ts';
import type { BeirDataset } from './beir-dataset.ts';

export interface MemoryHarness {
  pool: Pool;
  tenantId: string;
  search: MemorySearch;
  /** Ingests a BEIR corpus through the same activities the ingestion workflow runs. */
  ingest(corpus: BeirDataset['corpus'], collection: string): Promise<{ chunks: number; seconds: number }>;
  close(): Promise<void>;
}

/**
 * The memory pipeline without Temporal around it, for evaluation: DATABASE_URL's Postgres, or
 * a fresh in-memory PGlite; the configured embedder and vector store; a tenant of its own.
 */
export async function startMemoryHarness(): Promise<MemoryHarness> {
  const env = loadEnv();
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ port: (await freePorts(1))[0]! });
  const pool = createPool(env.DATABASE_URL ?? embedded!.url, 4);
  await migrate(pool);
  const tenant = await createTenantStore(pool).create(`eval ${new Date().toISOString()}`);
  const memory = await createMemoryFromEnv(env, pool);
  const search = createMemorySearch({ pool, ...memory });
  const documents = createDocumentStore(pool);
  const activities = createMemoryActivities({ documents, conversations: createConversationStore(pool), search, ...memory });
  return {
    pool,
    tenantId: tenant.id,
    search,
    async ingest(corpus, collection) {
      const started = performance.now();
      let chunks = 0;
      for (const doc of corpus) {
        const uploadId = await documents.stageUpload(tenant.id, doc.title ? `# ${doc.title}\n\n${doc.text}` : doc.text);
        const prepared = await activities.prepareDocument({ tenantId: tenant.id, collection, item: { source: doc._id, uploadId, mime: 'text/markdown', ...(doc.title && { title: doc.title }) } });
        for (let i = 0; i < prepared.pending.length; i += 64) chunks += await activities.embedChunks({ tenantId: tenant.id, chunkIds: prepared.pending.slice(i, i + 64) });
        await activities.finishDocument({ tenantId: tenant.id, documentId: prepared.documentId, uploadId });
      }
      return { chunks, seconds: (performance.now() - started) / 1000 };
    },
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
