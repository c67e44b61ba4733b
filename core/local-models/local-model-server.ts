import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInstalledModels } from './installed-models.ts';
import { createLocalModelRuntime, type LocalModelRuntimeOptions } from './model-runtime.ts';
import { createOpenAIWireHandler } from './openai-wire-server.ts';

export interface LocalModelServerOptions extends LocalModelRuntimeOptions {
  /** The state folder whose models/ holds the default model and the manifest of added ones. */
  stateDir: string;
  host: string;
  /** 0 picks a free port (tests, benchmarks). */
  port: number;
  /** Load the default model before listening, so the first request does not pay for it. */
  preload?: string;
}

export interface LocalModelServer {
  /** OpenAI-style base URL, e.g. http://127.0.0.1:4020/v1 — what LOCAL_MODEL_BASE_URL takes. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The local-model server: node-llama-cpp behind OpenAI's wire format, on one port. */
export async function startLocalModelServer(options: LocalModelServerOptions): Promise<LocalModelServer> {
  const installed = createInstalledModels(options.stateDir);
  const runtime = createLocalModelRuntime(options);
  if (options.preload) {
    const model = await installed.get(options.preload);
    if (model) {
      const generate = await runtime.reserve(model);
      await generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 1 });
    }
  }
  const server = createServer(createOpenAIWireHandler({ installed, runtime }));
  // Long generations stream for a while; only idle sockets are cut.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    baseUrl: `http://${host}:${port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
}
