import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { waitForPort } from '../../tooling/stack/wait-for.ts';
import { freePort } from './free-port.ts';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** Debian's `redis-server` (what scripts/bootstrap.mjs installs): REDIS_SERVER_PATH, PATH, /usr/bin. */
export function findRedisServer(): string {
  const explicit = process.env.REDIS_SERVER_PATH;
  if (explicit) return explicit;
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('redis-server not found: the tests need it. Run `node scripts/bootstrap.mjs --for-tests` as root, `sudo apt-get install -y redis-server`, or set REDIS_SERVER_PATH.');
}

/** A throwaway Redis on a free loopback port: no persistence, no config file. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(findRedisServer(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort('127.0.0.1', port, 15_000, () => child.exitCode === null);
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
