import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis, pinned in
 * test/fuzz/requirements.txt, installed by `node scripts/bootstrap.mjs --for-tests` into
 * .soma/fuzz-venv). It sends schema-valid and schema-invalid requests to every operation of the
 * real platform and fails on any 5xx, any response whose status, content type or body the document
 * does not declare. The seed is fixed and the examples per operation bounded, so a run is
 * repeatable and a failure reproduces with the command it prints (FUZZ_SEED / FUZZ_MAX_EXAMPLES
 * change them for a longer local hunt).
 */

const root = resolve(import.meta.dirname, '..');
const stateDir = resolve(root, process.env.SOMA_STATE_DIR ?? '.soma');
const schemathesis = join(stateDir, 'fuzz-venv', 'bin', 'schemathesis');
const seed = process.env.FUZZ_SEED ?? '20261203';
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? '12';
const checks = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

/**
 * Operations the fuzzer leaves out, each with the reason. Everything else is fuzzed, including the
 * ones that start workflows: they run against the platform's provider emulator.
 */
const excluded: { operationId: string; why: string }[] = [
  // Its answer is the scrape text of prom-client: nothing of ours to fuzz.
  { operationId: 'metrics', why: 'Prometheus text' },
  // A schema-valid `source` such as `a==0` is a PyPI package spec: fuzzing it would send pip to the
  // registry with made-up names. Its validation (paths, GGUF magic, sha256, auth) is test/local-model.test.ts.
  { operationId: 'addLocalModel', why: 'downloads from PyPI' },
];

let p: TestPlatform;
let tenantKey: string;
/** What test/fuzz/schemathesis.toml pins the platform-wide admin operations to. */
let pinned: Record<string, string>;

function runFuzzer(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...pinned, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', NO_COLOR: '1', COLUMNS: '160' };
    // The API runs in this process: the child must not block the event loop (spawn, not spawnSync).
    const child = spawn(schemathesis, args, { cwd: mkdtempSync(join(tmpdir(), 'soma-fuzz-')), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

function fuzzArgs(key: string, extra: string[]): string[] {
  return [
    '--config-file', join(root, 'test', 'fuzz', 'schemathesis.toml'),
    'run', `${p.apiUrl}/openapi.json`,
    '--checks', checks.join(','),
    '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', maxExamples,
    '--seed', seed,
    '--workers', '1',
    '--generation-database', 'none',
    '--request-timeout', '30',
    '--no-color',
    '--header', `Authorization: Bearer ${key}`,
    ...excluded.flatMap((e) => ['--exclude-operation-id', e.operationId]),
    ...extra,
  ];
}

function expectClean(result: { code: number | null; output: string }, what: string): void {
  expect(result.code, `${what} (reproduce with FUZZ_SEED=${seed}):\n${result.output.slice(-12000)}`).toBe(0);
}

beforeAll(async () => {
  if (!existsSync(schemathesis)) throw new Error(`${schemathesis} is missing: run \`node scripts/bootstrap.mjs --for-tests\` (npm test does).`);
  // The alert webhook is on (as under npm start), so the fuzzer meets its bearer check, not its
  // "off" answer; no Prometheus, so the SLO listing answers with the promises and null figures.
  p = await startTestPlatform({ localModels: true, env: { SOMA_ALERT_WEBHOOK_TOKEN: 'fuzz-webhook-token-0123456789' } });
  const slos = await p.call('/v1/ops/slos', { key: p.adminKey });
  expect(slos.status, JSON.stringify(slos.body)).toBe(200);
  expect(slos.body.prometheus_url).toBeNull();
  expect(slos.body.data.length).toBeGreaterThan(0);
  expect(slos.body.data.every((s: { sli_now: unknown }) => s.sli_now === null)).toBe(true);
  const tenant = await p.newTenant('fuzz');
  tenantKey = tenant.key;
  // A key of the fuzz tenant for revokeApiKey to revoke (never the key the fuzzer calls with).
  const spare = await p.call(`/v1/admin/tenants/${tenant.tenantId}/keys`, { key: p.adminKey, body: { name: 'revoked by the fuzzer' } });
  expect(spare.status).toBe(201);
  pinned = {
    SOMA_FUZZ_TENANT_ID: tenant.tenantId,
    SOMA_FUZZ_KEY_ID: spare.body.id as string,
    SOMA_FUZZ_MODEL_ID: `local/fuzz-${Date.now().toString(36)}`,
  };
});
afterAll(async () => p?.close());

describe('API fuzzing from the OpenAPI document', () => {
  it('an admin key gets no 5xx and only documented statuses, content types and bodies on every operation', async () => {
    expectClean(await runFuzzer(fuzzArgs(p.adminKey, [])), 'schemathesis with an admin key');
  }, 600_000);

  it('a tenant key gets the same on every operation outside /v1/admin (which answers it 403)', async () => {
    expectClean(await runFuzzer(fuzzArgs(tenantKey, ['--exclude-path-regex', '^/v1/admin/'])), 'schemathesis with a tenant key');
  }, 600_000);
});
