import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/**
 * The Temporal CLI binary: TEMPORAL_CLI_PATH, else the copy scripts/bootstrap.mjs installed in
 * the state folder, else `temporal` on PATH. Same order as the bootstrap script.
 */
export function findTemporalCli(stateDir: string, explicit?: string): string {
  if (explicit) return explicit;
  const installed = resolve(stateDir, 'bin', 'temporal');
  if (existsSync(installed)) return installed;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'temporal');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('Temporal CLI not found: run `node scripts/bootstrap.mjs` or set TEMPORAL_CLI_PATH.');
}
