import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clickHouseIdentifier, clickHouseString, createClickHouseClient, type ClickHouseTarget } from './clickhouse-client.ts';
import { pendingMigrations, type MigrationResult } from '../db/migration-files.ts';

export const CLICKHOUSE_MIGRATIONS_DIR = resolve(fileURLToPath(import.meta.url), '../../../infra/clickhouse/migrations');

/**
 * Splits a file into statements, because ClickHouse's HTTP interface runs one per request.
 * Semicolons inside quotes, backticks and comments do not split.
 */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== ch) j += sql[j] === '\\' ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
    i += 1;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/**
 * Applies the ordered SQL files of infra/clickhouse/migrations that have not been applied yet,
 * creating the database first. ClickHouse has no transactions or locks, so every statement in
 * those files must be idempotent (`CREATE ... IF NOT EXISTS`): a run that died half way, or two
 * runs at once, then simply apply a file again. A file is recorded in `schema_migrations`
 * after all its statements succeeded; an applied file that was edited is refused (checksum).
 */
export async function migrateClickHouse(target: ClickHouseTarget, dir = CLICKHOUSE_MIGRATIONS_DIR): Promise<MigrationResult> {
  const admin = createClickHouseClient(target, { database: 'system' });
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${clickHouseIdentifier(target.database)}` });
  } finally {
    await admin.close();
  }
  const client = createClickHouseClient(target);
  try {
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS schema_migrations (
        name String,
        checksum String,
        applied_at DateTime('UTC')
      ) ENGINE = MergeTree ORDER BY name`,
    });
    const rows = await (await client.query({ query: 'SELECT name, checksum FROM schema_migrations', format: 'JSONEachRow' }))
      .json<{ name: string; checksum: string }>();
    const { pending, skipped } = await pendingMigrations(dir, new Map(rows.map((r) => [r.name, r.checksum])));
    const result: MigrationResult = { applied: [], skipped };
    for (const file of pending) {
      for (const statement of splitStatements(file.sql)) await client.command({ query: statement });
      await client.command({
        query: `INSERT INTO schema_migrations (name, checksum, applied_at)
                VALUES (${clickHouseString(file.name)}, ${clickHouseString(file.checksum)}, now())`,
      });
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await client.close();
  }
}
