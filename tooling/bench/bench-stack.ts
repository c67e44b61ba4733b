import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminKeyFile, readAdminKeyFile } from '../stack/admin-key-file.ts';
import { freePorts } from './free-ports.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Settings that would point the stack at something other than its own fresh embedded engines. */
const SCRUBBED_ENV = [
  'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'EMULATOR_URL', 'TEMPORAL_ADDRESS', 'DATABASE_URL', 'SOMA_ADMIN_KEY',
  'PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'PGLITE_PORT', 'EMULATOR_PORT', 'WORKER_METRICS_PORT', 'SOMA_STATE_DIR', 'HOST',
];

export interface BenchStackOptions {
  /** How long the whole stack may take to answer /readyz with 200. */
  readyTimeoutMs?: number;
  /** Extra environment for the stack (e.g. tuning knobs under test). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface BenchStack {
  apiUrl: string;
  emulatorUrl: string;
  /** The stack's Temporal dev server (host:port), for tools that inspect workflow histories. */
  temporalAddress: string;
  adminKey: string;
  /** Fresh temp folder with the stack's state and `stack.log`; removed by stop(). */
  workDir: string;
  logFile: string;
  /** The stack's process id, which is also its process group id. */
  pid: number | undefined;
  /** Stops every process of the stack (SIGINT, then SIGKILL) and removes workDir. Idempotent. */
  stop(options?: { keepLogAs?: string }): Promise<void>;
}

/**
 * The Temporal CLI the bootstrap script installed for the *project* state folder: the benchmark
 * gives the stack a fresh state folder, which has no copy of its own.
 */
function temporalCliPath(): string | undefined {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const installed = resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma', 'bin', 'temporal');
  return existsSync(installed) ? installed : undefined; // else stack/ looks on PATH
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts `tooling/stack/main.ts` as its own process group with fresh ports and a fresh state folder,
 * and waits until the API says it is ready. Output goes to a log file, never to our stdout.
 */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // The Temporal dev server picks random ports for its internal services after we chose ours,
  // so a port can be taken in between: start over on fresh ports when that happens.
  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, attempt < maxAttempts);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= maxAttempts) throw err;
      log(`a port was taken while the stack started (${err.message}); retrying on fresh ports ...`);
    }
  }
}

class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

async function startOnce(options: BenchStackOptions, mayRetry: boolean): Promise<BenchStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const workDir = mkdtempSync(join(tmpdir(), 'somaagent-bench-'));
  const stateDir = join(workDir, 'state');
  mkdirSync(stateDir);
  // The fresh state folder shares the project's installed embedding model (read-only files).
  const models = resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma', 'models');
  if (existsSync(models)) symlinkSync(models, join(stateDir, 'models'));
  const logFile = join(workDir, 'stack.log');
  const [apiPort, temporalPort, uiPort, pglitePort, emulatorPort, workerMetricsPort] = await freePorts(6);

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SCRUBBED_ENV) delete env[key];
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    PGLITE_PORT: String(pglitePort),
    EMULATOR_PORT: String(emulatorPort),
    WORKER_METRICS_PORT: String(workerMetricsPort),
    SOMA_STATE_DIR: stateDir,
    // Benchmarks measure the platform; Prometheus and Alertmanager (on fixed default ports) stay off.
    SOMA_MONITORING: 'off',
    ...options.env,
  });
  const cli = temporalCliPath();
  if (cli) env.TEMPORAL_CLI_PATH = cli;

  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'tooling/stack/main.ts'], {
      cwd: ROOT,
      env,
      // Own process group: Ctrl-C in a terminal reaches only us, and we can end the whole stack.
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child holds its own copy
  }
  const pid = child.pid;
  const childExit = new Promise<void>((r) => {
    if (exited(child)) r();
    else child.once('exit', () => r());
  });

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { keepLogAs?: string } = {}): Promise<void> => {
    stopped ??= (async () => {
      if (pid !== undefined) {
        // stack/main.ts stops API and worker first, then the engines, on SIGINT.
        if (!exited(child)) {
          try {
            child.kill('SIGINT');
          } catch {
            // gone already
          }
          await Promise.race([childExit, sleep(25_000)]);
        }
        // Whatever is left of the group (a hung child, or orphans after a crash) is killed.
        for (let i = 0; i < 30 && groupAlive(pid); i++) {
          killGroup(pid, i === 0 ? 'SIGTERM' : 'SIGKILL');
          await sleep(100);
        }
        killGroup(pid, 'SIGKILL');
      }
      if (stopOptions.keepLogAs) {
        try {
          // The stack prints its admin key once; a kept log is for reading, so the key is masked.
          let text = readFileSync(logFile, 'utf8').replace(/sk_soma_[A-Za-z0-9_-]+/g, 'sk_soma_[redacted]');
          const temporalLog = join(stateDir, 'logs', 'temporal.log');
          if (existsSync(temporalLog)) text += `\n--- temporal.log ---\n${readFileSync(temporalLog, 'utf8')}`;
          writeFileSync(stopOptions.keepLogAs, text, { mode: 0o600 });
        } catch {
          // best effort
        }
      }
      rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
      live.delete(stack);
    })();
    return stopped;
  };

  const stack: BenchStack = {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    adminKey: '',
    workDir,
    logFile,
    pid,
    stop,
  };
  registerEmergencyCleanup(stack);

  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const deadline = Date.now() + readyTimeoutMs;
  log(`starting the stack (state and log in ${workDir}) ...`);
  try {
    for (let attempt = 0; ; attempt++) {
      if (exited(child)) throw new Error(`the stack exited (code ${child.exitCode ?? child.signalCode}) before it was ready`);
      if (Date.now() > deadline || attempt > 2_000) throw new Error(`the API was not ready after ${readyTimeoutMs} ms`);
      try {
        const res = await fetch(`${stack.apiUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    const adminKey = readAdminKeyFile(stateDir);
    if (adminKey === undefined) throw new Error(`no admin key at ${adminKeyFile(stateDir)}`);
    stack.adminKey = adminKey;
    return stack;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    let output = '';
    try {
      output = readFileSync(logFile, 'utf8');
    } catch {
      // no log yet
    }
    const taken = /EADDRINUSE[^\n]*?(\d+\.\d+\.\d+\.\d+:\d+)|port (\d+) is already in use/.exec(output);
    if (mayRetry && taken) {
      await stop();
      throw new PortTakenError(taken[1] ?? `port ${taken[2]}`);
    }
    const kept = keptLogPath();
    await stop({ keepLogAs: kept });
    throw new Error(`${message}; the stack's output is in ${kept}`);
  }
}

/** Where a failed stack's log is kept (the temp folder itself is always removed). */
export function keptLogPath(): string {
  return join(tmpdir(), `somaagent-bench-stack-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
}

/** Stops every stack this process started (signal handlers use it). */
export async function stopAllStacks(options: { keepLogAs?: string } = {}): Promise<void> {
  await Promise.all([...live].map((s) => s.stop(options)));
}

const live = new Set<BenchStack>();

/** Last resort when the process leaves without running its own cleanup: no orphans, no temp dirs. */
function registerEmergencyCleanup(stack: BenchStack): void {
  live.add(stack);
  if (live.size > 1) return;
  process.once('exit', () => {
    for (const s of live) {
      if (s.pid !== undefined) killGroup(s.pid, 'SIGKILL');
      try {
        rmSync(s.workDir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}
