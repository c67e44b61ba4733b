import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * The `somaagent` command run as a user runs it (`node cli/bin/somaagent.mjs ...`, a child
 * process with its own HOME and config file) against the real platform.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'cli', 'bin', 'somaagent.mjs');
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

let p: TestPlatform;
let tenant: { tenantId: string; key: string };
let work: string;
let configFile: string;
let completedRun: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing of the developer's own SomaAgent settings leaks in. */
function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SOMAAGENT_') && k !== 'XDG_CONFIG_HOME' && k !== 'NO_COLOR') env[k] = v;
  return { ...env, HOME: join(work, 'home'), SOMAAGENT_CONFIG: configFile, NO_COLOR: '1', ...extra };
}

function run(command: string, args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: cliEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const cli = (args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}) => run(process.execPath, [CLI, ...args], options);

/** `--json` output parsed; fails the test with the CLI's stderr when it is not JSON. */
function json(result: Result): any {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

beforeAll(async () => {
  p = await startTestPlatform();
  tenant = await p.newTenant('cli');
  work = mkdtempSync(join(tmpdir(), 'soma-cli-'));
  mkdirSync(join(work, 'home'));
  configFile = join(work, 'config', 'somaagent.json');
});

afterAll(async () => {
  await p?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('basics', () => {
  it('prints its version and help, and calls a bad command a usage error', async () => {
    const [version, help, bad] = await Promise.all([cli(['--version']), cli(['runs', '--help']), cli(['runs', 'lst'])]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('cancel');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown command 'lst'");
  });

  it('needs credentials: exit 3 with a hint when there are none', async () => {
    const res = await cli(['runs', 'list'], { env: { SOMAAGENT_BASE_URL: p.apiUrl } });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('not logged in');
    expect(res.stderr).toContain('somaagent login');
  });
});

describe('login and profiles', () => {
  it('refuses a bad key with exit 3 and a readable error, saving nothing', async () => {
    const res = await cli(['login', '--api-key', 'sk_soma_not_a_real_key_at_all', '--base-url', p.apiUrl]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^error: .*refused the API key sk_soma_not_…/m);
    expect(res.stderr).not.toContain('sk_soma_not_a_real_key_at_all');
    expect(() => statSync(configFile)).toThrow();
  });

  it('verifies and saves a key (mode 0600), showing only its prefix', async () => {
    const res = await cli(['login', '--api-key', tenant.key, '--base-url', p.apiUrl]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Logged in to ${p.apiUrl} as profile default`);
    expect(res.stdout + res.stderr).not.toContain(tenant.key);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(saved).toMatchObject({ current_profile: 'default', profiles: { default: { api_key: tenant.key, base_url: p.apiUrl } } });
  });

  it('keeps several profiles; --profile, SOMAAGENT_PROFILE and `profiles use` choose one', async () => {
    const other = await p.newTenant('cli other');
    const login = json(await cli(['login', '--json', '--profile', 'other', '--api-key', other.key, '--base-url', p.apiUrl]));
    expect(login).toMatchObject({ profile: 'other', current: false, key_prefix: `${other.key.slice(0, 12)}…` });

    const [listed, fromEnv] = await Promise.all([cli(['profiles', 'list', '--json']), cli(['profiles', 'list', '--json'], { env: { SOMAAGENT_PROFILE: 'other' } })]);
    const list = json(listed);
    expect(list.current).toBe('default');
    expect(list.data.map((x: any) => [x.name, x.current])).toEqual([['default', true], ['other', false]]);
    expect(JSON.stringify(list)).not.toContain(other.key);
    expect(json(fromEnv).current).toBe('other');

    expect((await cli(['profiles', 'use', 'other'])).code).toBe(0);
    expect(json(await cli(['profiles', 'list', '--json'])).current).toBe('other');
    expect(json(await cli(['profiles', 'list', '--json', '--profile', 'default'])).current).toBe('default');
    const missing = await cli(['profiles', 'use', 'nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no profile "nope"');
    expect((await cli(['profiles', 'use', 'default'])).code).toBe(0);
    // A profile that does not exist is a config error for commands that need a key.
    expect((await cli(['runs', 'list', '--profile', 'ghost'])).code).toBe(3);
  });
});

describe('completions and runs', () => {
  it('streams a completion to the terminal, with a summary on stderr', async () => {
    const res = await cli(['completions', 'create', '--model', 'gpt-4o-mini', 'Hello from the CLI']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('[simulated]');
    expect(res.stdout).toContain('Hello from the CLI');
    const id = /run (completion-\S+)/.exec(res.stderr)?.[1];
    expect(id, res.stderr).toBeDefined();
    completedRun = id!;
  });

  it('answers --json with the completion body, streamed or not, and reads stdin', async () => {
    const [streamed, whole, usage] = await Promise.all([
      cli(['completions', 'create', '--json', '--model', 'gpt-4o-mini', 'one']),
      cli(['completions', 'create', '--json', '--no-stream', '--model', 'gpt-4o-mini'], { input: 'from stdin' }),
      cli(['completions', 'create', '--model', 'a', '--policy', 'b', 'x']),
    ]);
    expect(json(streamed)).toMatchObject({ object: 'completion', model: 'gpt-4o-mini', simulated: true });
    expect(json(whole).text).toContain('from stdin');
    expect(usage.code).toBe(2);
  });

  it('lists and shows runs; a missing run is exit 4', async () => {
    const [listed, shown, text, missing, missingJson] = await Promise.all([
      cli(['runs', 'list', '--json']),
      cli(['runs', 'show', completedRun, '--json']),
      cli(['runs', 'show', completedRun]),
      cli(['runs', 'show', 'completion-default-doesnotexist']),
      cli(['runs', 'show', 'completion-default-doesnotexist', '--json']),
    ]);
    expect(json(listed).data.map((r: any) => r.id)).toContain(completedRun);
    expect(json(shown)).toMatchObject({ id: completedRun, status: 'completed', kind: 'completion' });
    expect(text.stdout).toMatch(/status\s+completed/);
    expect(text.stdout).toContain('[simulated]');

    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: No run "completion-default-doesnotexist"/m);
    expect(missing.stderr).toContain('404 run_not_found');
    expect(missingJson.code).toBe(4);
    expect(JSON.parse(missingJson.stderr).error).toMatchObject({ status: 404, code: 'run_not_found', exit_code: 4 });
  });

  it('cancels a running run; cancelling it again is an API error (exit 1)', async () => {
    // Slow enough that the run is still running when the CLI (a new process) cancels it.
    p.emulator.configure({ latencyMs: 15_000 });
    try {
      const started = await p.call('/v1/completions', { key: tenant.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }], background: true } });
      expect(started.status).toBe(202);
      const cancel = await cli(['runs', 'cancel', started.body.id]);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(cancel.stdout).toContain(`Cancellation requested for ${started.body.id}`);
      await expect(p.client.workflow.getHandle(started.body.id).result()).rejects.toThrow();
      const again = await cli(['runs', 'cancel', started.body.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('409 run_not_running');
    } finally {
      p.emulator.configure({ latencyMs: 0 });
    }
  });

  it("prints a run's events, listed or followed", async () => {
    const listed = await cli(['logs', '--run', completedRun]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('workflow_execution_started');
    expect(listed.stdout).toContain('workflow_execution_completed');
    const followed = await cli(['logs', '--run', completedRun, '--follow', '--json']);
    expect(followed.code, followed.stderr).toBe(0);
    const events = followed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ source: 'run_event', run_id: completedRun, type: 'workflow_execution_completed' });
    expect((await cli(['logs', '--run', 'completion-default-doesnotexist'])).code).toBe(4);
  });

  it('shows recent runs and the local service logs', async () => {
    const state = join(work, 'state');
    mkdirSync(join(state, 'logs'), { recursive: true });
    writeFileSync(join(state, 'logs', 'worker.log'), 'worker line 1\nworker line 2\n');
    const res = await cli(['logs', '--worker-logs', '--json', '-n', '5'], { env: { SOMA_STATE_DIR: state } });
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ source: 'service_log', service: 'worker', line: 'worker line 2' });
    expect(lines.some((l) => l.source === 'run' && l.id === completedRun)).toBe(true);
  });
});

describe('init', () => {
  it('scaffolds the starter without asking when not on a terminal, and refuses a non-empty directory', async () => {
    const dir = join(work, 'plain');
    const res = await cli(['init', dir, '--name', 'plain-app', '--model', 'gpt-4.1-mini', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(json(res)).toMatchObject({ name: 'plain-app', template: 'starter' });
    const manifest = JSON.parse(readFileSync(join(dir, 'somaagent.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'plain-app', policies: { 'plain-app-default': { model: 'gpt-4.1-mini' } }, capsule: { name: 'plain-app', model_policy: 'plain-app-default' } });
    expect(manifest.prompts).toEqual(['prompts/plain-app-answer.md', 'prompts/plain-app-summary.md']);
    expect(readFileSync(join(dir, 'prompts', 'plain-app-answer.md'), 'utf8')).toMatch(/^name: plain-app-answer$/m);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('plain-app');
    const again = await cli(['init', dir, '--name', 'plain-app']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty');
  });

  it('asks for the name, template and model on a terminal (driven through a pseudo-terminal)', async () => {
    const dir = join(work, 'interactive');
    // Python's pty module gives the CLI a real terminal; the test answers each question as it appears.
    const child = spawn('python3', ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, CLI, 'init', dir], {
      cwd: ROOT,
      env: cliEnv({ NO_COLOR: undefined, TERM: 'xterm' }),
    });
    let output = '';
    const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const seen = output.replace(ANSI, '');
      for (const w of waiters.filter((x) => x.pattern.test(seen))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const answer = async (prompt: RegExp, text: string) => {
      await new Promise<void>((resolve, reject) => {
        if (prompt.test(output.replace(ANSI, ''))) return resolve();
        const timer = setTimeout(() => reject(new Error(`no prompt ${prompt} in:\n${output}`)), 20_000);
        waiters.push({
          pattern: prompt,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      child.stdin.write(`${text}\r`);
    };
    await answer(/Project name \(interactive\): $/, 'tty-app');
    await answer(/Choose \(starter\): $/, '1');
    await answer(/Model .*\(gpt-4o-mini,claude-haiku-4-5\): $/, 'claude-haiku-4-5');
    expect(await exited).toBe(0);
    child.stdin.end();
    expect(output).toContain('\x1b['); // colours on a terminal without NO_COLOR
    expect(output.replace(ANSI, '')).toContain('Created tty-app');
    const manifest = JSON.parse(readFileSync(join(dir, 'somaagent.json'), 'utf8'));
    expect(manifest.policies['tty-app-default']).toEqual({ model: 'claude-haiku-4-5', parameters: { max_tokens: 512, temperature: 0.3 } });
  });
});

describe('deploy and capsules', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const name = `cli-${suffix}`;
  let dir: string;
  let capsules = false;

  beforeAll(async () => {
    dir = join(work, name);
    expect((await cli(['init', dir, '--name', name, '--yes'])).code).toBe(0);
    // Policies and capsules come with a newer server; without them, deploy the prompts alone.
    const policies = await p.call('/v1/policies', { key: tenant.key });
    capsules = (await p.call('/v1/capsules', { key: tenant.key })).status === 200;
    if (policies.status !== 200 || !capsules) {
      const manifest = JSON.parse(readFileSync(join(dir, 'somaagent.json'), 'utf8'));
      delete manifest.capsule;
      if (policies.status !== 200) manifest.policies = {};
      writeFileSync(join(dir, 'somaagent.json'), JSON.stringify(manifest, null, 2));
    }
  });

  it('plans, applies, and then has no changes', async () => {
    const plan = json(await cli(['deploy', dir, '--dry-run', '--json']));
    expect(plan.applied).toBe(false);
    expect(plan.changes.filter((c: any) => c.kind === 'prompt')).toEqual([
      { kind: 'prompt', name: `${name}-answer`, action: 'create', detail: 'version 1, labels production' },
      { kind: 'prompt', name: `${name}-summary`, action: 'create', detail: 'version 1, labels production' },
    ]);
    expect(plan.changes.every((c: any) => c.action === 'create')).toBe(true);

    const refused = await cli(['deploy', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');

    const applied = await cli(['deploy', dir, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`+ prompt  ${name}-answer`);
    expect(applied.stdout).toContain(`✓ prompt ${name}-answer: created version 1, labels production`);
    expect(applied.stdout).toMatch(/Deployed .*: \d+ changes applied\./);
    const template = await p.call(`/v1/prompts/${name}-answer`, { key: tenant.key });
    expect(template.body).toMatchObject({ latest_version: 1, labels: { production: 1 } });

    const second = await cli(['deploy', dir, '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No changes.');
    expect(json(await cli(['deploy', dir, '--json', '--yes'])).changes.every((c: any) => c.action === 'unchanged')).toBe(true);

    // An edited prompt becomes its next version, with its label moved.
    const file = join(dir, 'prompts', `${name}-summary.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('Keep every fact; add none.', 'Keep every fact.'));
    if (capsules) {
      // The capsule bundles that prompt: its published version cannot change.
      const conflict = await cli(['deploy', dir, '--dry-run']);
      expect(conflict.code).toBe(1);
      expect(conflict.stdout).toContain(`! capsule ${name}@0.1.0`);
      expect(conflict.stderr).toContain('raise capsule.version');
      const manifest = JSON.parse(readFileSync(join(dir, 'somaagent.json'), 'utf8'));
      manifest.capsule.version = '0.2.0';
      writeFileSync(join(dir, 'somaagent.json'), JSON.stringify(manifest, null, 2));
    }
    const edited = json(await cli(['deploy', dir, '--yes', '--json']));
    expect(edited.changes.find((c: any) => c.name === `${name}-summary`)).toMatchObject({ action: 'update', detail: 'new version 2 (latest 1), labels production' });
    expect(edited.results).toEqual([
      { kind: 'prompt', name: `${name}-summary`, result: 'created version 2, labels production' },
      ...(capsules ? [{ kind: 'capsule', name: `${name}@0.2.0`, result: `published ${name}@0.2.0` }] : []),
    ]);
    expect((await p.call(`/v1/prompts/${name}-summary`, { key: tenant.key })).body.labels).toEqual({ production: 2 });
  });

  it('reports an invalid project as a usage error', async () => {
    const broken = join(work, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'somaagent.json'), JSON.stringify({ name: 'Bad Name', prompts: ['prompts/missing.md'] }));
    const res = await cli(['deploy', broken, '--dry-run']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('somaagent.json is invalid');
  });

  it('publishes, lists, shows and installs a capsule', async (ctx) => {
    if (!capsules) ctx.skip();
    const manifestFile = join(dir, 'somaagent.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    // deploy published 0.1.0 and 0.2.0; publish 0.2.0 again unchanged, then a new version.
    const same = await cli(['capsules', 'publish', dir]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain(`${name}@0.2.0 is already published with this content`);
    manifest.capsule.version = '0.3.0';
    manifest.capsule.description = 'third version';
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const published = await cli(['capsules', 'publish', dir, '--json']);
    expect(published.code, published.stderr).toBe(0);
    expect(json(published)).toMatchObject({ object: 'capsule_version', name, version: '0.3.0', published: true });
    expect(json(published).prompts.map((x: any) => x.name)).toEqual([`${name}-answer`, `${name}-summary`]);

    // The same version with other content is refused, with what to do.
    manifest.capsule.description = 'changed without a new version';
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const conflict = await cli(['capsules', 'publish', dir]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('raise capsule.version');

    const list = json(await cli(['capsules', 'list', '--json']));
    expect(list.data.find((c: any) => c.name === name)).toMatchObject({ latest_version: '0.3.0', versions: ['0.3.0', '0.2.0', '0.1.0'] });
    const shown = await cli(['capsules', 'show', `${name}@0.1.0`]);
    expect(shown.stdout).toContain(`${name}-answer, ${name}-summary`);

    const other = await p.newTenant('cli installer');
    const env = { SOMAAGENT_API_KEY: other.key, SOMAAGENT_BASE_URL: p.apiUrl };
    const installed = json(await cli(['capsules', 'install', `${name}@0.1.0`, '--json'], { env }));
    expect(installed).toMatchObject({ object: 'capsule_install', name, version: '0.1.0', policy: name });
    expect(installed.prompts.map((x: any) => x.name)).toEqual([`${name}-answer`, `${name}-summary`]);
    const mine = json(await cli(['capsules', 'installed', '--json'], { env }));
    expect(mine.data).toEqual([expect.objectContaining({ name, version: '0.1.0' })]);
    expect((await cli(['capsules', 'install', `no-such-capsule-${suffix}`], { env })).code).toBe(4);
  });
});
