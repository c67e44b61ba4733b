import { loadEnv } from '../platform/config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { createPool } from '../platform/db/pool.ts';
import { createModelRegistryStore, readCatalogue } from '../stores/model-registry.ts';

// `npm run migrate`: applies migrations to DATABASE_URL (an existing Postgres with pgvector)
// and seeds the model catalogue. It lives in the composition root, not platform/db/, because
// seeding needs a store (platform/ imports nothing above itself).
const env = loadEnv();
if (!env.DATABASE_URL) {
  process.stderr.write('DATABASE_URL is not set; `npm start` migrates the embedded database itself.\n');
  process.exit(2);
}
const pool = createPool(env.DATABASE_URL, 1);
try {
  const result = await migrate(pool);
  const seeded = await createModelRegistryStore(pool).seed(await readCatalogue());
  process.stdout.write(`${JSON.stringify({ ...result, models_seeded: seeded })}\n`);
} finally {
  await pool.end();
}
