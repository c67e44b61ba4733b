import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOCAL_MODEL } from '../../core/local-models/installed-models.ts';
import { freePort } from './free-port.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestLocalModelServer {
  /** OpenAI-style base URL (…/v1): what LOCAL_MODEL_BASE_URL takes. */
  baseUrl: string;
  /** A state folder of its own, holding the bootstrapped default model (linked) and nothing else. */
  stateDir: string;
  /** The bootstrapped default model file. */
  defaultModelPath: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/**
 * The real local-model server (workers/local-model-server.ts, the entry `npm start` supervises) as
 * a child process, over the SmolLM2 GGUF that bootstrap put in .soma/models. Its state folder is a
 * fresh one, so models a test adds never leak into the developer's .soma.
 */
export async function startTestLocalModelServer(env: Record<string, string> = {}): Promise<TestLocalModelServer> {
  const defaultModelPath = resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma', DEFAULT_LOCAL_MODEL.relativePath);
  const stateDir = mkdtempSync(join(tmpdir(), 'soma-local-model-'));
  const linked = join(stateDir, DEFAULT_LOCAL_MODEL.relativePath);
  mkdirSync(dirname(linked), { recursive: true });
  symlinkSync(defaultModelPath, linked);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/local-model-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, SOMA_STATE_DIR: stateDir, LOCAL_MODEL_PORT: String(port), LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`local-model server not ready after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^ready (\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        ready(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`local-model server exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  return {
    baseUrl,
    stateDir,
    defaultModelPath,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
