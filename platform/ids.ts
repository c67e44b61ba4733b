import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Short random ids: time-ordered prefix (so ids sort by creation in the Web UI) plus randomness.
 * Not for workflows: they get their id from the caller (see api/).
 */
export function newId(prefix: string, randomChars = 12): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const bytes = randomBytes(randomChars);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${time}${rand}`;
}
