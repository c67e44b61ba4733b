import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { registerLocalModels } from './support/local-models.ts';

/**
 * The Python SDK (sdk/python): its pytest suite against this real platform (API, Temporal,
 * Postgres, the provider emulator), mypy --strict over the package, and the package as a user
 * gets it (wheel and sdist, twine check, installed into a fresh venv). The Python tools live in
 * the venv `node scripts/bootstrap.mjs --for-tests` makes from sdk/python/requirements-dev.txt.
 */

const root = resolve(import.meta.dirname, '..');
const sdk = join(root, 'sdk', 'python');
const stateDir = resolve(root, process.env.SOMA_STATE_DIR ?? '.soma');
const python = join(stateDir, 'venv', 'bin', 'python');
const packagingTest = join('sdk', 'python', 'tests', 'test_packaging.py');

let p: TestPlatform;
let tenant: { tenantId: string; key: string };
// Models of this file only, served by its own emulator: other files' faults on catalogue models
// open circuit breakers that every platform shares through Postgres.
const suffix = Date.now().toString(36);
const [modelA, modelB] = ['a', 'b'].map((n) => `local/py-sdk-${n}-${suffix}`) as [string, string];

/**
 * Runs the venv's Python without blocking: the platform's API runs in this process and must keep
 * answering while pytest calls it. Resolves with the exit code and the merged output.
 */
function runPython(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...options.env };
    // Only what this test passes: never a developer's own SOMAAGENT_* settings.
    for (const name of Object.keys(env)) if (name.startsWith('SOMAAGENT_') && !options.env?.[name]) delete env[name];
    const child = spawn(python, args, { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

function expectSuccess(result: { code: number | null; output: string }, what: string): void {
  if (result.code !== 0) console.error(`${what} failed:\n${result.output}`);
  expect(result.code, `${what}:\n${result.output.slice(-6000)}`).toBe(0);
}

beforeAll(async () => {
  if (!existsSync(python)) throw new Error(`${python} is missing: run \`node scripts/bootstrap.mjs --for-tests\` (npm test does).`);
  // One provider attempt: an injected provider 429 comes back from the API as a 429 with retry-after.
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '1' } });
  // An approver: the experiment tests approve through the SDK.
  tenant = await p.newTenant('python-sdk', { role: 'approver' });
  // Priced, so that a budget of $0 refuses them.
  await registerLocalModels(p, [modelA, modelB]);
});
afterAll(async () => p?.close());

describe('Python SDK', () => {
  it('passes its test suite against the platform', async () => {
    const result = await runPython(['-m', 'pytest', join('sdk', 'python', 'tests'), '-q', '-rfEs', '--ignore', packagingTest], {
      env: {
        SOMAAGENT_BASE_URL: p.apiUrl,
        SOMAAGENT_API_KEY: tenant.key,
        SOMAAGENT_ADMIN_KEY: p.adminKey,
        SOMAAGENT_EMULATOR_URL: p.emulator.url,
        SOMAAGENT_TEST_MODEL: modelA,
        SOMAAGENT_TEST_SECOND_MODEL: modelB,
      },
    });
    expectSuccess(result, 'pytest sdk/python/tests');
    expect(result.output).toMatch(/\b\d+ passed\b/);
    // A test that skipped (a missing setting) would hide what it should have checked.
    expect(result.output).not.toMatch(/\bskipped\b/);
  }, 300_000);

  it('type-checks under mypy --strict, and so does code that uses it', async () => {
    // tests/typing_consumer.py pins what users' code sees: return types, and calls that must be refused.
    const result = await runPython(['-m', 'mypy', '--strict', '--cache-dir', join(stateDir, 'cache', 'mypy'), 'somaagent', join('tests', 'typing_consumer.py')], { cwd: sdk });
    expectSuccess(result, 'mypy --strict somaagent tests/typing_consumer.py');
    expect(result.output).toMatch(/Success: no issues found/);
  }, 180_000);

  it('builds a wheel and an sdist that pass twine check and install into a fresh venv', async () => {
    const result = await runPython(['-m', 'pytest', packagingTest, '-q']);
    expectSuccess(result, 'pytest test_packaging.py');
    expect(result.output).toMatch(/\b1 passed\b/);
  }, 300_000);
});
