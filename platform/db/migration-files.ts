import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * The ordered `NNN_name.sql` files of a migrations folder not applied yet, given what the
 * database recorded (name → checksum). Shared by the Postgres and ClickHouse runners. An
 * applied file that was edited afterwards is refused, because silently diverging schemas are
 * worse than a failed start.
 */
export async function pendingMigrations(
  dir: string,
  applied: ReadonlyMap<string, string>,
): Promise<{ pending: MigrationFile[]; skipped: string[] }> {
  const names = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const pending: MigrationFile[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const sql = await readFile(join(dir, name), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(name);
    if (previous === undefined) {
      pending.push({ name, sql, checksum });
    } else if (previous === checksum) {
      skipped.push(name);
    } else {
      throw new MigrationChecksumError(`migration ${name} was changed after it was applied; add a new migration instead`);
    }
  }
  return { pending, skipped };
}
