import { mkdtempSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MigrationChecksumError, MIGRATIONS_DIR } from '../platform/db/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { freePort } from './support/free-port.ts';

// A private database: these tests apply migrations from scratch.
let pg: EmbeddedPostgres;
let pool: Pool;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ port: await freePort() });
  pool = createPool(pg.url, 4);
});
afterAll(async () => {
  await pool?.end();
  await pg?.stop();
});

describe('migration runner', () => {
  it('applies every file once, even when two runners start together', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    const [first, second] = await Promise.all([migrate(pool), migrate(pool)]);
    expect([...first.applied, ...second.applied].sort()).toEqual(files);
    expect(first.applied.length === 0 || second.applied.length === 0).toBe(true);
    const again = await migrate(pool);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toEqual(files);
    const { rows } = await pool.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(files);
  });

  it('gives Postgres the pgvector extension', async () => {
    const { rows } = await pool.query("SELECT '[1,2,3]'::vector <=> '[1,2,4]'::vector AS distance");
    expect(rows[0].distance).toBeGreaterThan(0);
  });

  it('refuses a migration edited after it was applied, and rolls back a broken one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soma-migrations-'));
    for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
    writeFileSync(join(dir, '900_broken.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await expect(migrate(pool, dir)).rejects.toThrow(/no_such_function/);
    const { rows } = await pool.query("SELECT to_regclass('half_done') AS t");
    expect(rows[0].t).toBeNull();

    const edited = readdirSync(MIGRATIONS_DIR).sort()[0]!;
    writeFileSync(join(dir, '900_broken.sql'), 'SELECT 1;');
    writeFileSync(join(dir, edited), '-- edited\n');
    await expect(migrate(pool, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });
});
