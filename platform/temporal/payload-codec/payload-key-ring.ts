import { randomBytes } from 'node:crypto';

/**
 * The AES-256 keys of the payload codec. The first key is the current one (every new payload is
 * encrypted with it); the others stay only to decrypt what older keys wrote, so keys rotate
 * without re-encrypting histories: add a new key in front, drop the old one once its workflows
 * are past retention.
 */
export interface PayloadKeyRing {
  current: { id: string; key: Buffer };
  /** Every known key by id, the current one included. */
  byId: ReadonlyMap<string, Buffer>;
}

/** A key id travels in every payload's metadata: short, printable, no separators. */
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY_BYTES = 32;

/**
 * Parses `id1:base64key,id2:base64key` (the format of SOMA_PAYLOAD_KEYS and of the key file,
 * where newlines separate too and `#` starts a comment line). Throws with a message that never
 * contains key material.
 */
export function parsePayloadKeys(text: string): PayloadKeyRing {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error('no payload key: expected id:base64key[,id:base64key...]');
  const byId = new Map<string, Buffer>();
  let current: PayloadKeyRing['current'] | undefined;
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new Error(`payload key #${index + 1}: expected id:base64key with an id of letters, digits, "_", "." or "-"`);
    const encoded = entry.slice(colon + 1);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      throw new Error(`payload key "${id}": expected ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
    }
    if (byId.has(id)) throw new Error(`payload key "${id}" is listed twice`);
    byId.set(id, key);
    current ??= { id, key };
  }
  return { current: current!, byId };
}

/** A fresh key entry, `k<yyyymmdd>-<random>:<base64>`: the date says which key is newer at a glance. */
export function generatePayloadKeyEntry(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `k${day}-${randomBytes(3).toString('hex')}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
