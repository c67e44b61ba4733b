import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatePayloadKeyEntry, parsePayloadKeys, type PayloadKeyRing } from './payload-key-ring.ts';

/** Where the embedded default keeps its generated key: next to the admin key, mode 0600. */
export function defaultPayloadKeyFile(stateDir: string): string {
  return join(stateDir, 'payload-keys');
}

/**
 * Creates the key file with one fresh key unless it exists; true when this call created it.
 * The API, the worker and the stack may race on a first start: the file is written aside and
 * hard-linked into place (atomic, fails if present), so nobody ever reads a half-written file
 * and the loser of the race simply uses the winner's key.
 */
export function ensurePayloadKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(aside, `# SomaAgent payload encryption keys: id:base64key, the first is current. Losing this file loses every encrypted history.\n${generatePayloadKeyEntry()}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(aside);
  }
}

export function readPayloadKeyFile(path: string): PayloadKeyRing {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the payload key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parsePayloadKeys(text);
  } catch (err) {
    throw new Error(`payload key file ${path}: ${(err as Error).message}`);
  }
}
