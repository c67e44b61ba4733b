import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.ts';

export interface ClickHouseServerOptions {
  /** Data, config and logs; a new temp folder when omitted. Reuse it to restart with the data. */
  dir?: string;
  /** HTTP port; a free one when omitted. */
  port?: number;
  /** Server time zone. The tests use one far from UTC, so UTC-only code is what passes. */
  timezone?: string;
}

export interface ClickHouseServer {
  url: string;
  port: number;
  dir: string;
  /**
   * SIGKILL: an abrupt crash for outage tests, and the quick end of a throwaway server (a
   * graceful SIGTERM takes 2-8 s on 18.16). Keeps the folder: a restart on it finds the data.
   */
  kill(): Promise<void>;
}

/**
 * `clickhouse-server` from Debian's package (what scripts/bootstrap.mjs installs), found as
 * CLICKHOUSE_SERVER_PATH, on PATH, or in /usr/sbin, which a non-root PATH often lacks.
 */
export function findClickHouseServer(): string {
  const explicit = process.env.CLICKHOUSE_SERVER_PATH;
  if (explicit) return explicit;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'clickhouse-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'clickhouse-server not found: the tests need it. Run `node scripts/bootstrap.mjs --for-tests` as root, ' +
      'or `sudo apt-get install -y clickhouse-server`, or set CLICKHOUSE_SERVER_PATH.',
  );
}

/**
 * Only the HTTP interface, on loopback: no native TCP, interserver or MySQL ports (leaving
 * them out of the config is what turns them off), no system log tables, small caches.
 */
function configXml(dir: string, port: number, timezone: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/clickhouse-server.log</log>
    <errorlog>${dir}/log/clickhouse-server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${port}</http_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>${timezone}</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return res.ok && (await res.text()).startsWith('Ok');
  } catch {
    return false;
  }
}

async function startOnce(binary: string, dir: string, port: number, timezone: string): Promise<ClickHouseServer> {
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'config.xml'), configXml(dir, port, timezone));
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));

  const deadline = Date.now() + 30_000;
  while (!(await answers(url))) {
    if (exited) {
      throw new Error(`clickhouse-server exited before answering on ${url}; logs in ${dir}/log\n${stderr}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clickhouse-server did not answer on ${url} within 30 s; logs in ${dir}/log\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  return {
    url,
    port,
    dir,
    async kill() {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Starts a private ClickHouse and resolves once it answers /ping (about 0.1 s on 18.16). */
export async function startClickHouseServer(options: ClickHouseServerOptions = {}): Promise<ClickHouseServer> {
  const binary = findClickHouseServer();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'soma-clickhouse-'));
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const timezone = options.timezone ?? 'UTC';
  if (options.port !== undefined) return startOnce(binary, dir, options.port, timezone);
  // A port picked as free can be taken before the server binds it: pick another and retry.
  for (let tries = 1; ; tries += 1) {
    try {
      return await startOnce(binary, dir, await freePort(), timezone);
    } catch (err) {
      if (tries === 3) throw err;
    }
  }
}

/** Stops the server and removes its folder. */
export async function removeClickHouseServer(server: ClickHouseServer): Promise<void> {
  await server.kill();
  rmSync(server.dir, { recursive: true, force: true });
}
