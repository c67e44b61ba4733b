/**
 * Where the embedded stack keeps the plaintext admin key it created on first start (a 0600 file
 * in its state folder), and the one reader every local tool uses to pick it up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function adminKeyFile(stateDir: string): string {
  return join(stateDir, 'admin-key');
}

/** The key, or undefined when the stack has not written one (yet, or SOMA_ADMIN_KEY was set). */
export function readAdminKeyFile(stateDir: string): string | undefined {
  const keyFile = adminKeyFile(stateDir);
  return existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
}
