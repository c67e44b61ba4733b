import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { InvalidRequestError } from '../errors/domain-error.ts';

/** Every GGUF file starts with these four bytes; anything else is not a model llama.cpp can load. */
const GGUF_MAGIC = Buffer.from('GGUF', 'ascii');

export interface GgufFileFacts {
  sizeBytes: number;
  sha256: string;
}

/**
 * Checks a model file before it is registered: it exists, is a GGUF (magic bytes), and — when a
 * checksum is pinned — matches it. A wrong file must be refused here, not fail later when a
 * request makes the runtime load it.
 */
export async function checkGgufFile(path: string, expectedSha256?: string): Promise<GgufFileFacts> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new InvalidRequestError('model_file_not_found', `No model file at ${path}.`);
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (!head.equals(GGUF_MAGIC)) throw new InvalidRequestError('not_a_gguf_file', `${path} is not a GGUF model file (its first bytes are not "GGUF").`);
  } finally {
    await handle.close();
  }
  const sha256 = await sha256OfFile(path);
  if (expectedSha256 !== undefined && sha256 !== expectedSha256.toLowerCase()) {
    throw new InvalidRequestError('checksum_mismatch', `${path} has sha256 ${sha256}, expected ${expectedSha256}; refusing to use it.`);
  }
  return { sizeBytes: info.size, sha256 };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
