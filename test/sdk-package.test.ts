import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../sdk/typescript/src/index.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * The npm package as a user gets it: `npm pack` (which builds ESM and CommonJS with their type
 * declarations), `npm install` of the tarball into an empty project, then `import` and `require`
 * of it from plain Node scripts that call the running platform, and TypeScript checking a
 * consumer of each flavour.
 */

const root = resolve(import.meta.dirname, '..');
const sdkDir = join(root, 'sdk', 'typescript');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

let p: TestPlatform;
let tenant: { tenantId: string; key: string };
let work: string;
let tarball: string;
let project: string;

/** Asynchronous on purpose: the platform's API runs in this process and must keep answering. */
async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'soma-sdk-pack-'));
  // `npm pack` runs the package's prepack script, which is the build.
  await run('npm', ['pack', '--pack-destination', work, '--silent'], sdkDir);
  const packed = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(packed).toHaveLength(1);
  tarball = join(work, packed[0]!);

  project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
  // No network: the SDK has no dependencies, so the tarball is all npm needs.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], project);

  p = await startTestPlatform();
  tenant = await p.newTenant('sdk-package');
}, 180_000);

afterAll(async () => {
  await p?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the @somaagent/sdk package', () => {
  it('ships the ESM and CommonJS builds with their declarations, and nothing else', async () => {
    const files = (await run('tar', ['-tzf', tarball], work)).trim().split('\n').sort();
    for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'package.json', 'README.md']) {
      expect(files).toContain(`package/${file}`);
    }
    expect(files.filter((f) => !/^package\/(dist\/(esm|cjs)\/|package\.json$|README\.md$)/.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@somaagent', 'sdk', 'package.json'), 'utf8')) as { version: string; dependencies?: object };
    expect(manifest.version).toBe(VERSION);
    expect(manifest.dependencies).toBeUndefined();
  });

  it('works with import and with require, against the platform', async () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import SomaAgent, { SomaAgent as Named, NotFoundError, OPERATIONS } from '@somaagent/sdk';
const client = new SomaAgent();
const completion = await client.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'from esm' }] });
const missing = await client.runs.get('completion-nobody-nothing').catch((e) => e);
console.log(JSON.stringify({ same: SomaAgent === Named, text: completion.text, notFound: missing instanceof NotFoundError, requestId: missing.requestId, operations: Object.keys(OPERATIONS).length }));
`,
    );
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { SomaAgent, APIError } = require('@somaagent/sdk');
(async () => {
  const client = new SomaAgent();
  const stream = await client.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'from cjs' }] });
  const types = [];
  for await (const event of stream) types.push(event.type);
  const completion = await stream.finalCompletion();
  const bad = await new SomaAgent({ apiKey: 'sk_soma_wrong' }).models.list().catch((e) => e);
  console.log(JSON.stringify({ runId: stream.runId, first: types[0], last: types.at(-1), text: completion.text, status: bad instanceof APIError ? bad.status : null }));
})().catch((err) => { console.error(err); process.exit(1); });
`,
    );
    const env = { SOMAAGENT_API_KEY: tenant.key, SOMAAGENT_BASE_URL: p.apiUrl };
    const esm = JSON.parse(await run(process.execPath, ['esm.mjs'], project, env)) as Record<string, unknown>;
    expect(esm).toMatchObject({ same: true, notFound: true });
    expect(esm.operations).toBeGreaterThan(40);
    expect(esm.text).toMatch(/^\[simulated\]/);
    expect(esm.requestId).toMatch(/^req_/);
    const cjs = JSON.parse(await run(process.execPath, ['cjs.cjs'], project, env)) as Record<string, unknown>;
    expect(cjs).toMatchObject({ first: 'run', last: 'completion', status: 401 });
    expect(cjs.runId).toMatch(new RegExp(`^completion-${tenant.tenantId}-`));
    expect(cjs.text).toMatch(/^\[simulated\]/);
  });

  it('type-checks for ESM and CommonJS consumers through the exports conditions', async () => {
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { SomaAgent, RateLimitError, type Completion, type CompletionStreamEvent } from '@somaagent/sdk';
const client = new SomaAgent({ apiKey: 'sk_soma_x', maxRetries: 0 });
export const answer: Promise<Completion> = client.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
export async function deltas(): Promise<string[]> {
  const out: string[] = [];
  for await (const event of await client.completions.stream({ models: ['a', 'b'], messages: [] })) {
    const e: CompletionStreamEvent = event;
    if (e.type === 'delta') out.push(e.text);
  }
  return out;
}
export const isRateLimit = (e: unknown) => e instanceof RateLimitError && e.status === 429;
// @ts-expect-error: "model" and "models" are alternatives
client.completions.create({ model: 'a', models: ['b'], messages: [] });
`,
    );
    writeFileSync(
      join(project, 'consumer.cts'),
      `import sdk = require('@somaagent/sdk');
const client = new sdk.SomaAgent({ apiKey: 'sk_soma_x' });
export const runs: Promise<sdk.List<sdk.Run>> = client.runs.list({ limit: 5 });
export const ops: Readonly<Record<string, string>> = sdk.OPERATIONS;
`,
    );
    const out = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', '--traceResolution', 'consumer.mts', 'consumer.cts'], project);
    // Each flavour resolved its own declarations.
    expect(out).toMatch(/'@somaagent\/sdk' was successfully resolved to '.*dist\/esm\/index\.d\.ts'/);
    expect(out).toMatch(/'@somaagent\/sdk' was successfully resolved to '.*dist\/cjs\/index\.d\.ts'/);
  });
});
