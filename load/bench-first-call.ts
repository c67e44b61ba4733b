import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { readAdminKeyFile } from '../tooling/stack/admin-key-file.ts';

// `npm run bench:first-call`: time to first API call for a new user. Clones this repository into
// a temp folder, runs the README's start command there (installs included), then makes the
// first call with each SDK the way their docs say: TypeScript from the packed package, Python
// from the built wheel in a fresh virtualenv. Registries are those this machine reaches; a
// first-time user's download time is extra.
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'somaagent-first-call-'));
const repo = join(work, 'repo');
const t0 = performance.now();
const since = () => Number(((performance.now() - t0) / 1000).toFixed(1));
const log = (line: string) => process.stderr.write(`[${since()}s] ${line}\n`);
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

execFileSync('git', ['clone', '-q', root, repo]);
log('cloned');
const [port, temporalPort, uiPort, pglitePort, emulatorPort, workerMetricsPort] = await freePorts(6);
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), PGLITE_PORT: String(pglitePort), EMULATOR_PORT: String(emulatorPort), WORKER_METRICS_PORT: String(workerMetricsPort) };
for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'SOMA_STATE_DIR', 'SOMA_ADMIN_KEY']) delete env[key];
const stack = spawn('npm', ['start'], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
const ready = new Promise<void>((resolve, reject) => {
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('SomaAgent is running.')) resolve();
  };
  stack.stdout.on('data', onData);
  stack.stderr.on('data', onData);
  stack.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
});
const results: Record<string, number | string | boolean> = {};
try {
  await ready;
  results.platform_ready_s = since();
  log('platform ready');
  const key = readAdminKeyFile(join(repo, '.soma'));
  if (key === undefined) throw new Error(`no admin key in ${join(repo, '.soma')}`);
  const sdkEnv = { ...process.env, SOMAAGENT_API_KEY: key, SOMAAGENT_BASE_URL: `http://127.0.0.1:${port}` };

  // TypeScript: pack the SDK, install it into a new project, call it.
  const app = join(work, 'ts-app');
  run('npm', ['pack', '--pack-destination', work], join(repo, 'sdk', 'typescript'));
  const tgz = run('sh', ['-c', `ls ${work}/somaagent-sdk-*.tgz`], work).trim();
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'first-call', type: 'module', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', tgz], app);
  writeFileSync(join(app, 'index.mjs'), `import { SomaAgent } from '@somaagent/sdk';\nconst client = new SomaAgent();\nconst c = await client.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });\nconsole.log(c.text);\n`);
  const tsOut = run('node', ['index.mjs'], app, sdkEnv);
  if (!tsOut.includes('Hello')) throw new Error(`TypeScript first call printed: ${tsOut}`);
  results.typescript_first_call_s = since();
  log('TypeScript SDK answered');

  // Python: build the wheel, install it into a fresh virtualenv, call it.
  const venv = join(work, 'venv');
  run('python3', ['-m', 'venv', venv], work);
  run(join(venv, 'bin', 'pip'), ['install', '-q', 'build'], work);
  run(join(venv, 'bin', 'python'), ['-m', 'build', '--wheel', '--outdir', join(work, 'dist')], join(repo, 'sdk', 'python'));
  const wheel = run('sh', ['-c', `ls ${work}/dist/somaagent-*.whl`], work).trim();
  run(join(venv, 'bin', 'pip'), ['install', '-q', wheel], work);
  const pyOut = run(join(venv, 'bin', 'python'), ['-c', "from somaagent import SomaAgent\nc = SomaAgent().completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': 'Hello'}])\nprint(c.text)"], work, sdkEnv);
  if (!pyOut.includes('Hello')) throw new Error(`Python first call printed: ${pyOut}`);
  results.python_first_call_s = since();
  log('Python SDK answered');
  results.goal_met = Number(results.python_first_call_s) <= 300 && Number(results.typescript_first_call_s) <= 300;
} finally {
  try {
    process.kill(-stack.pid!, 'SIGINT');
  } catch {
    // already gone
  }
  await new Promise((r) => setTimeout(r, 5000));
  try {
    process.kill(-stack.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(work, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
