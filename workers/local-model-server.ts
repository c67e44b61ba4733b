import { resolve } from 'node:path';
import { DEFAULT_LOCAL_MODEL } from '../core/local-models/installed-models.ts';
import { startLocalModelServer } from '../core/local-models/local-model-server.ts';
import { loadEnv } from '../platform/config.ts';

// The local-model process `npm start` supervises (tooling/stack/main.ts): one per machine, apart
// from the API and the worker, so generation never blocks their event loops and a crash in
// llama.cpp takes down only this process. It listens on loopback: it checks no API key.
const env = loadEnv();
const server = await startLocalModelServer({
  stateDir: resolve(env.SOMA_STATE_DIR),
  host: '127.0.0.1',
  port: env.LOCAL_MODEL_PORT,
  threads: env.LOCAL_MODEL_THREADS,
  queue: { slots: env.LOCAL_MODEL_SLOTS, maxWaiting: env.LOCAL_MODEL_MAX_QUEUE, waitTimeoutMs: env.LOCAL_MODEL_QUEUE_TIMEOUT_MS },
  preload: DEFAULT_LOCAL_MODEL.name,
});
// The stack waits for this line before it starts the services that call the model.
process.stdout.write(`ready ${server.baseUrl}\n`);

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
