import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { newId } from '../platform/ids.ts';
import { createClickHouseClient } from '../platform/clickhouse/clickhouse-client.ts';
import { CLICKHOUSE_MIGRATIONS_DIR, migrateClickHouse } from '../platform/clickhouse/clickhouse-migrate.ts';
import { MigrationChecksumError } from '../platform/db/migrate.ts';

const url = inject('clickhouseUrl');

async function select<T>(database: string, query: string): Promise<T[]> {
  const client = createClickHouseClient({ url, database });
  try {
    return await (await client.query({ query, format: 'JSONEachRow' })).json<T>();
  } finally {
    await client.close();
  }
}

describe('ClickHouse migration runner (ClickHouse 18.16)', () => {
  it('creates the database, applies every file once, and is safe to run again', async () => {
    const target = { url, database: newId('soma_mig', 8) };
    const files = readdirSync(CLICKHOUSE_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    expect(files).toContain('004_model_metrics.sql');

    const first = await migrateClickHouse(target);
    expect(first).toEqual({ applied: files, skipped: [] });
    const again = await migrateClickHouse(target);
    expect(again).toEqual({ applied: [], skipped: files });

    const recorded = await select<{ name: string }>(target.database, 'SELECT name FROM schema_migrations ORDER BY name');
    expect(recorded.map((r) => r.name)).toEqual(files);
    const columns = await select<{ name: string; type: string }>(
      target.database,
      `SELECT name, type FROM system.columns WHERE database = '${target.database}' AND table = 'model_attempt_metrics'`,
    );
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toMatchObject({
      ts: "DateTime('UTC')",
      tenant_id: 'String',
      status: "Enum8('ok' = 1, 'error' = 2)",
      ttft_ms: 'Nullable(UInt32)',
      cost_usd: 'Float64',
    });
  });

  it('splits statements outside quotes and comments, and refuses an applied file that changed', async () => {
    const target = { url, database: newId('soma_mig', 8) };
    const dir = mkdtempSync(join(tmpdir(), 'soma-ch-migrations-'));
    for (const f of readdirSync(CLICKHOUSE_MIGRATIONS_DIR)) copyFileSync(join(CLICKHOUSE_MIGRATIONS_DIR, f), join(dir, f));
    writeFileSync(
      join(dir, '900_two_statements.sql'),
      `-- a comment; with a semicolon
CREATE TABLE IF NOT EXISTS notes (id UInt32, body String DEFAULT 'a;b') ENGINE = MergeTree ORDER BY id;
/* another; comment */
CREATE TABLE IF NOT EXISTS notes_copy AS notes;
`,
    );
    expect((await migrateClickHouse(target, dir)).applied).toContain('900_two_statements.sql');
    const tables = await select<{ name: string }>(target.database, `SELECT name FROM system.tables WHERE database = '${target.database}' ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(['model_attempt_metrics', 'notes', 'notes_copy', 'schema_migrations']);

    writeFileSync(join(dir, '900_two_statements.sql'), 'SELECT 1;\n');
    await expect(migrateClickHouse(target, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });
});
