/**
 * The repository the CLI runs from (two levels above this file): where `npm start`, the
 * `examples/` templates and the local state directory (`.soma`) are.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** The local stack's state directory: SOMA_STATE_DIR (relative to the repository, as `npm start` reads it) or `.soma`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SOMA_STATE_DIR || '.soma';
  return isAbsolute(dir) ? dir : resolve(REPO_ROOT, dir);
}

export function isRepository(): boolean {
  return existsSync(join(REPO_ROOT, 'package.json')) && existsSync(join(REPO_ROOT, 'stack', 'main.ts'));
}
