import { loadEnv } from '../config.ts';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';
import { createModelRegistryStore, readCatalogue } from '../../stores/model-registry.ts';

// `npm run migrate`: applies migrations to DATABASE_URL (an existing Postgres with pgvector)
// and seeds the model catalogue.
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
