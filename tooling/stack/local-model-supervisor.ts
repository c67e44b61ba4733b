import { startService, waitForLine, type ServiceProcess } from './service-process.ts';

export interface LocalModelSupervisor {
  stop(): Promise<void>;
}

/** Restarts allowed within RESTART_WINDOW_MS; a server that keeps crashing is left down. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * Runs the local-model server (workers/local-model-server.ts) as a child of the stack and restarts
 * it when it dies: a crash inside llama.cpp then costs the requests in flight (the provider layer
 * retries them as connection errors) instead of the whole stack. Resolves once it is ready.
 */
export async function superviseLocalModelServer(
  env: NodeJS.ProcessEnv,
  print: (name: string, line: string) => void,
  warn: (line: string) => void,
): Promise<LocalModelSupervisor> {
  let current: ServiceProcess;
  let stopping = false;
  const restarts: number[] = [];

  async function start(): Promise<void> {
    current = startService('local-model', 'workers/local-model-server.ts', env, print);
    const started = current;
    await waitForLine(started, /^ready /, 120_000);
    void started.exited.then((code) => {
      if (stopping) return;
      const now = Date.now();
      while (restarts.length && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= MAX_RESTARTS) {
        warn(`the local-model server exited (code ${code}) ${MAX_RESTARTS} times within a minute; leaving it stopped (local/* models now fail).`);
        return;
      }
      restarts.push(now);
      warn(`the local-model server exited (code ${code}); restarting it.`);
      start().catch((err: unknown) => warn(`could not restart the local-model server: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  await start();
  return {
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}
