import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The embedded Postgres has one role, as PGlite does. */
export const EMBEDDED_POSTGRES_USER = 'postgres';

export const POSTGRES_PASSWORD_FILE = 'postgres-password';

/** 32 random bytes, URL-safe: usable in a connection string as is, and plain ASCII for SCRAM. */
export function generatePostgresPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The embedded Postgres's password: made on first start and kept in the state folder (mode
 * 0600, like the admin key), so every later start, `npm run prompts:load` and local tools use
 * the same one. A file other users could read is tightened back to 0600.
 */
export function ensurePostgresPassword(stateDir: string): string {
  const file = join(stateDir, POSTGRES_PASSWORD_FILE);
  const existing = readPostgresPassword(stateDir);
  if (existing) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  const password = generatePostgresPassword();
  // 'w' with an explicit mode: a fresh file is never readable by others, even for a moment.
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return password;
}

export function readPostgresPassword(stateDir: string): string | undefined {
  const file = join(stateDir, POSTGRES_PASSWORD_FILE);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

/** The connection string every process of the stack uses for the embedded Postgres. */
export function embeddedPostgresUrl(host: string, port: number, password: string): string {
  return `postgres://${EMBEDDED_POSTGRES_USER}:${encodeURIComponent(password)}@${host}:${port}/postgres?sslmode=disable`;
}
