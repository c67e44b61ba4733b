import { resolve } from 'node:path';
import { ConfigError, type Env } from '../../config.ts';
import { defaultPayloadKeyFile, ensurePayloadKeyFile, readPayloadKeyFile } from './payload-key-file.ts';
import type { PayloadKeyRing } from './payload-key-ring.ts';

export interface PayloadKeys {
  ring: PayloadKeyRing;
  /** Where the keys came from, for start-up messages (never the keys themselves). */
  source: string;
}

/**
 * The key ring every Temporal client and worker of this process encrypts with: SOMA_PAYLOAD_KEYS,
 * else SOMA_PAYLOAD_KEY_FILE, else — outside production — the state folder's key file, generated
 * on first use. Production refuses to start without a configured key: a generated one would
 * differ per machine and make every other machine's histories unreadable.
 */
export function payloadKeysFromEnv(env: Env): PayloadKeys {
  if (env.SOMA_PAYLOAD_KEYS) return { ring: env.SOMA_PAYLOAD_KEYS, source: 'SOMA_PAYLOAD_KEYS' };
  try {
    if (env.SOMA_PAYLOAD_KEY_FILE) return { ring: readPayloadKeyFile(env.SOMA_PAYLOAD_KEY_FILE), source: env.SOMA_PAYLOAD_KEY_FILE };
    if (env.SOMA_ENV === 'production') {
      throw new ConfigError('SOMA_ENV=production needs a payload encryption key: set SOMA_PAYLOAD_KEYS (id:base64key, e.g. k1:$(openssl rand -base64 32)) or SOMA_PAYLOAD_KEY_FILE, the same on every API and worker process.');
    }
    const file = resolve(defaultPayloadKeyFile(env.SOMA_STATE_DIR));
    ensurePayloadKeyFile(file);
    return { ring: readPayloadKeyFile(file), source: file };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }
}
