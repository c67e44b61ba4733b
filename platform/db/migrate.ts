import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pendingMigrations, type MigrationResult } from './migration-files.ts';
import type { Pool } from './pool.ts';
import { withTransaction } from './transaction.ts';

export { MigrationChecksumError, type MigrationResult } from './migration-files.ts';

export const MIGRATIONS_DIR = resolve(fileURLToPath(import.meta.url), '../../../infra/postgres/migrations');

/** An arbitrary constant: the advisory lock every migrator takes, so two never interleave. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies the ordered SQL files that have not been applied yet, all in one transaction under
 * a transaction-scoped advisory lock: a second process started at the same time waits, then
 * finds everything applied. An applied file that was edited afterwards is refused (checksum),
 * because silently diverging schemas are worse than a failed start.
 */
export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const { pending, skipped } = await pendingMigrations(dir, new Map(rows.map((r) => [r.name, r.checksum])));
    const result: MigrationResult = { applied: [], skipped };
    for (const file of pending) {
      await client.query(file.sql);
      await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file.name, file.checksum]);
      result.applied.push(file.name);
    }
    return result;
  });
}
