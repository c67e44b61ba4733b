import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from './payload-key-ring.ts';

const PayloadMessage = proto.temporal.api.common.v1.Payload;

/** The metadata Temporal's own encryption samples use, so tools that know them recognise ours. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/**
 * AES-256-GCM over the whole serialized payload (metadata and data), so a history shows neither
 * the value nor its encoding. Each payload gets a random 96-bit nonce; the key id rides in the
 * metadata (and is authenticated as additional data) so any key of the ring decrypts it.
 * Codecs run in the worker's and client's main thread, outside the workflow sandbox.
 */
export function createEncryptedPayloadCodec(ring: PayloadKeyRing): PayloadCodec {
  return {
    async encode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => encryptPayload(ring, payload));
    },
    async decode(payloads: Payload[]): Promise<Payload[]> {
      return payloads.map((payload) => decryptPayload(ring, payload));
    },
  };
}

export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && decoder.decode(encoding) === ENCRYPTED_ENCODING;
}

function encryptPayload(ring: PayloadKeyRing, payload: Payload): Payload {
  const { id, key } = ring.current;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(encoder.encode(id));
  const plain = PayloadMessage.encode(payload).finish();
  const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(id) }, data: new Uint8Array(sealed) };
}

function decryptPayload(ring: PayloadKeyRing, payload: Payload): Payload {
  // Histories written before encryption was switched on stay readable.
  if (!isEncryptedPayload(payload)) return payload;
  const rawId = payload.metadata?.[KEY_ID_METADATA];
  const id = rawId ? decoder.decode(rawId) : '';
  const key = ring.byId.get(id);
  if (!key) throw new PayloadDecryptionError(`payload encrypted with unknown key "${id}"; add it to SOMA_PAYLOAD_KEYS (after the current key)`);
  const sealed = Buffer.from(payload.data ?? new Uint8Array());
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(encoder.encode(id));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    const decoded = PayloadMessage.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  } catch {
    throw new PayloadDecryptionError(`payload does not decrypt with key "${id}" (tampered, or a different key under the same id)`);
  }
}
