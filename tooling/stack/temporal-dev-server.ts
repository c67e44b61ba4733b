import { spawn, type ChildProcess } from 'node:child_process';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../platform/temporal/search-attributes.ts';
import { waitForPort } from './wait-for.ts';

export interface TemporalDevServerOptions {
  binary: string;
  host?: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; omitted = in memory (tests). */
  dbFile?: string;
  headless?: boolean;
  namespace?: string;
  /** Where the server's own log lines go; default: discarded. */
  onOutput?: (line: string) => void;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `temporal server start-dev` with our search attributes registered up front. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const host = options.host ?? '127.0.0.1';
  const args = [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace ?? 'default',
    '--log-level', 'warn',
    // Leaves the processing of metrics to nobody: one less port to collide on.
    '--metrics-port', '0',
    // The dev server has a single history shard whose transfer queue is read at most 20 times a
    // second by default: every workflow and activity task waited ~25 ms before dispatch.
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=1000',
  ];
  if (options.headless) args.push('--headless');
  if (options.dbFile) {
    // WAL: a commit appends to the log instead of rewriting the rollback journal, which wrote
    // ~80 MB/s at 25 completions/s and held the shard behind the disk. `normal` survives a crash
    // of the server; only an OS crash or power loss may drop the last commits.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const key of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitForPort(host, options.port, 60_000, () => !exited);
  return {
    address: `${host}:${options.port}`,
    uiUrl: options.headless ? undefined : `http://localhost:${options.uiPort}`,
    process: child,
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}
