import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Env } from '../../config.ts';
import { createEncryptedPayloadCodec } from './encrypted-payload-codec.ts';
import type { PayloadKeyRing } from './payload-key-ring.ts';
import { payloadKeysFromEnv } from './payload-keys-from-env.ts';

/** Failure messages and stack traces become payloads too, so the codec encrypts them. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * The data converter of every Temporal Client and Worker: the default JSON conversion, then
 * encryption. Both sides must use it, or a worker cannot read what a client started.
 */
export function encryptedDataConverter(ring: PayloadKeyRing): DataConverter {
  return { payloadCodecs: [createEncryptedPayloadCodec(ring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export function dataConverterFromEnv(env: Env): DataConverter {
  return encryptedDataConverter(payloadKeysFromEnv(env).ring);
}
