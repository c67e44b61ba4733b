import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { buildRouter } from '../core/routing/router-build.ts';
import { syntheticOutcomes } from './support/synthetic-outcomes.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
const stateDir = mkdtempSync(join(tmpdir(), 'soma-router-'));

beforeAll(async () => {
  p = await startTestPlatform({ env: { SOMA_STATE_DIR: stateDir } });
  t = await p.newTenant('outcomes');
  other = await p.newTenant('outcomes other');
});
afterAll(async () => p?.close());

const wide = (id: string, prompt: string, outcomes: Record<string, unknown>) => JSON.stringify({ id, prompt, family: 'qa', outcomes });

describe('outcome imports', () => {
  it('imports a wide and a long file, and the summary counts them per tenant', async () => {
    const jsonl = [
      wide('q1', 'What is 2+2?', { big: { score: 1, cost_usd: 0.01 }, small: { score: 1, cost_usd: 0.001 } }),
      '',
      wide('q2', 'Prove Fermat', { big: { score: 0.5, cost_usd: 0.02 }, small: { score: 0, cost_usd: 0.002 } }),
    ].join('\n');
    const res = await p.call('/v1/router/outcomes/imports', { key: t.key, body: { name: 'wide.jsonl', source: 'mybench', jsonl } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'outcome_import', name: 'wide.jsonl', lines: 3, prompts: 2, outcome_rows: 4 });

    const long = [
      JSON.stringify({ prompt_id: 'l1', prompt: 'Translate hi', model: 'big', score: 1, input_tokens: 5, output_tokens: 3 }),
      JSON.stringify({ prompt_id: 'l1', prompt: 'Translate hi', model: 'small', score: 0.8 }),
    ].join('\n');
    expect((await p.call('/v1/router/outcomes/imports', { key: t.key, body: { jsonl: long } })).body).toMatchObject({ prompts: 1, outcome_rows: 2 });

    const summary = await p.call('/v1/router/outcomes', { key: t.key });
    expect(summary.body).toMatchObject({ object: 'outcome_summary', prompts: 3, outcome_rows: 6, by_source: { import: 6 }, models: ['big', 'small'] });
    expect(summary.body.imports).toHaveLength(2);
    // Another tenant sees none of it.
    expect((await p.call('/v1/router/outcomes', { key: other.key })).body).toMatchObject({ prompts: 0, outcome_rows: 0, imports: [] });
  });

  it('refuses a file with bad lines, names each line, and imports nothing', async () => {
    const jsonl = [
      wide('ok1', 'fine', { a: { score: 1 } }),
      '{not json',
      wide('bad-score', 'x', { a: { score: 7 } }),
      wide('ok1', 'again', { a: { score: 1 } }),
      JSON.stringify({ id: 'no-outcomes', prompt: 'y', outcomes: {} }),
      wide('ok2', 'fine too', { a: { score: 0 } }),
    ].join('\n');
    const res = await p.call('/v1/router/outcomes/imports', { key: other.key, body: { jsonl } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_outcomes');
    expect(res.body.error.details.map((d: { line: number }) => d.line)).toEqual([2, 3, 4, 5]);
    expect(res.body.error.details[1].message).toMatch(/score/);
    expect(res.body.error.details[2].message).toMatch(/already appears on line 1/);
    // Nothing half-imported: the good lines 1 and 6 are not there either.
    expect((await p.call('/v1/router/outcomes', { key: other.key })).body.outcome_rows).toBe(0);
  });

  it('answers bad bodies with 400, never 500', async () => {
    expect((await p.call('/v1/router/outcomes/imports', { key: t.key, body: {} })).status).toBe(400);
    expect((await p.call('/v1/router/outcomes/imports', { key: t.key, body: { jsonl: 'x', extra: 1 } })).status).toBe(400);
    const blank = await p.call('/v1/router/outcomes/imports', { key: t.key, body: { jsonl: '\n\n' } });
    expect(blank.status).toBe(400);
    expect(blank.body.error.code).toBe('invalid_outcomes');
  });
});

describe('feedback on runs', () => {
  let runId: string;
  beforeAll(async () => {
    const res = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'rate me' }] } });
    expect(res.status).toBe(200);
    runId = res.body.id;
  });

  it('records a rating on either scale with the calling key as author, and the rating becomes an outcome', async () => {
    const five = await p.call(`/v1/runs/${runId}/feedback`, { key: t.key, body: { rating: 5, rating_scale: 'five_point', labels: ['helpful'], comment: 'great' } });
    expect(five.status).toBe(201);
    expect(five.body).toMatchObject({ object: 'run_feedback', run_id: runId, rating: 1, rating_raw: 5, rating_scale: 'five_point', labels: ['helpful'], comment: 'great' });
    expect(five.body.author_key_id).toMatch(/^key_/);
    const signed = await p.call(`/v1/runs/${runId}/feedback`, { key: t.key, body: { rating: -0.5, corrected_output: 'better answer', author_key_id: 'someone-else' } });
    // Identity never comes from the payload: an author field is refused, not believed.
    expect(signed.status).toBe(400);
    const ok = await p.call(`/v1/runs/${runId}/feedback`, { key: t.key, body: { rating: -0.5, corrected_output: 'better answer' } });
    expect(ok.body).toMatchObject({ rating: -0.5, rating_scale: 'signed', corrected_output: 'better answer' });
    const list = await p.call(`/v1/runs/${runId}/feedback`, { key: t.key });
    expect(list.body.data.map((f: { rating: number }) => f.rating)).toEqual([1, -0.5]);
    const summary = await p.call('/v1/router/outcomes', { key: t.key });
    expect(summary.body.by_source.feedback).toBe(1);
    expect(summary.body.models).toContain('gpt-4o-mini');
  });

  it("refuses feedback on another tenant's run (404, like a missing one) and bad ratings", async () => {
    expect((await p.call(`/v1/runs/${runId}/feedback`, { key: other.key, body: { rating: 1 } })).status).toBe(404);
    expect((await p.call(`/v1/runs/${runId}/feedback`, { key: other.key })).status).toBe(404);
    expect((await p.call('/v1/runs/completion-nope-123/feedback', { key: t.key, body: { rating: 1 } })).status).toBe(404);
    expect((await p.call(`/v1/runs/${runId}/feedback`, { body: { rating: 1 } })).status).toBe(401);
    for (const body of [{}, { rating: 2 }, { rating: 0, rating_scale: 'five_point' }, { rating: 3.5, rating_scale: 'five_point' }, { rating_scale: 'signed', comment: 'x' }]) {
      const res = await p.call(`/v1/runs/${runId}/feedback`, { key: t.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const readOnly = await p.newTenant('read only', { role: 'read-only' });
    expect((await p.call(`/v1/runs/${runId}/feedback`, { key: readOnly.key, body: { rating: 1 } })).status).toBe(403);
  });
});

describe('router versions', () => {
  it('registers a trained artefact by version, lists it per tenant, and promotes only with an approver key', async () => {
    const built = await buildRouter(syntheticOutcomes(600, 7), new Map(), { kind: 'logistic', seed: 3, version: 'synthetic-v1', target: { qualityRatio: 0.95 }, trainedOn: { files: ['synthetic'] } });
    mkdirSync(join(stateDir, 'routers', 'synthetic-v1'), { recursive: true });
    writeFileSync(join(stateDir, 'routers', 'synthetic-v1', 'router.json'), built.json);

    const missing = await p.call('/v1/router/versions', { key: t.key, body: { version: 'not-trained' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('router_artefact_not_found');
    expect((await p.call('/v1/router/versions', { key: t.key, body: { version: '../etc' } })).status).toBe(400);

    const registered = await p.call('/v1/router/versions', { key: t.key, body: { version: 'synthetic-v1' } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ object: 'router_version', version: 'synthetic-v1', kind: 'logistic', status: 'candidate' });
    expect(registered.body.metrics.threshold.target).toEqual({ qualityRatio: 0.95 });
    expect((await p.call('/v1/router/versions', { key: other.key })).body.data).toEqual([]);

    const member = await p.call('/v1/router/versions/synthetic-v1/promote', { key: t.key, method: 'POST' });
    expect(member.status).toBe(403);
    const outsider = await p.newTenant('approver elsewhere', { role: 'approver' });
    // Another tenant's approver cannot see, let alone promote, this tenant's version.
    expect((await p.call('/v1/router/versions/synthetic-v1/promote', { key: outsider.key, method: 'POST' })).status).toBe(404);
    const created = await p.call(`/v1/admin/tenants/${t.tenantId}/keys`, { key: p.adminKey, body: { name: 'router approver', role: 'approver' } });
    expect(created.status).toBe(201);
    const promoted = await p.call('/v1/router/versions/synthetic-v1/promote', { key: created.body.key, method: 'POST' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ status: 'active', promoted_by: created.body.id });
    expect((await p.call('/v1/router/versions/nope/promote', { key: created.body.key, method: 'POST' })).status).toBe(404);
  });
});

describe('training through the API', () => {
  it("trains on the tenant's own outcomes, registers a candidate, and keeps it the tenant's", async () => {
    const trainer = await p.newTenant('trainer');
    const tooFew = await p.call('/v1/router/train', { key: trainer.key, body: {} });
    expect(tooFew.status).toBe(400);
    expect(tooFew.body.error.code).toBe('not_enough_outcomes');
    // Tokens but no cost: priced at import with the prices sent.
    const records = syntheticOutcomes(800, 31).map((r) => ({ ...r, outcomes: { strong: { score: r.outcomes.strong!.score, input_tokens: 100, output_tokens: 100 }, weak: { score: r.outcomes.weak!.score, input_tokens: 100, output_tokens: 100 } } }));
    const prices = { strong: { input_usd_per_mtok: 10, output_usd_per_mtok: 30 }, weak: { input_usd_per_mtok: 0.5, output_usd_per_mtok: 1.5 } };
    const imported = await p.call('/v1/router/outcomes/imports', { key: trainer.key, body: { jsonl: records.map((r) => JSON.stringify(r)).join('\n'), prices } });
    expect(imported.status).toBe(201);
    const trained = await p.call('/v1/router/train', { key: trainer.key, body: { version: 'trainer-v1', seed: 2 } });
    expect(trained.status).toBe(201);
    expect(trained.body).toMatchObject({ version: 'trainer-v1', kind: 'logistic', status: 'candidate' });
    expect(trained.body.metrics.auroc).toBeGreaterThan(0.85);
    expect(trained.body.metrics.quality_ratio).toBeGreaterThan(trained.body.metrics.random_same_cost_quality_ratio);
    expect(trained.body.trained_on.pairs.synthetic).toEqual({ strong: 'strong', weak: 'weak' });
    expect((await p.call('/v1/router/train', { key: trainer.key, body: { version: 'trainer-v1' } })).status).toBe(409);
    // Derived from this tenant's outcomes: another tenant cannot register it.
    expect((await p.call('/v1/router/versions', { key: other.key, body: { version: 'trainer-v1' } })).status).toBe(404);
    expect((await p.call('/v1/router/train', { key: trainer.key, body: { target_quality_ratio: 0.9, cost_budget: 0.5 } })).status).toBe(400);
  });
});

describe('the somaagent router command', () => {
  /** The CLI as a user runs it, with only this test's settings (no developer config leaks in). */
  const cli = (args: string[], key: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SOMAAGENT_')) env[k] = v;
      const child = spawn(process.execPath, [join(process.cwd(), 'cli', 'bin', 'somaagent.mjs'), ...args], {
        env: { ...env, HOME: stateDir, SOMAAGENT_CONFIG: join(stateDir, 'cli.json'), SOMAAGENT_API_KEY: key, SOMAAGENT_BASE_URL: p.apiUrl, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  it('imports a file, trains, lists versions and refuses a bad file with its line numbers', async () => {
    const user = await p.newTenant('cli router');
    const file = join(stateDir, 'cli-outcomes.jsonl');
    writeFileSync(file, syntheticOutcomes(500, 41).map((r) => JSON.stringify(r)).join('\n'));
    const imported = await cli(['router', 'import', file, '--json'], user.key);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ prompts: 500, outcome_rows: 1000 });
    const trained = await cli(['router', 'train', '--name', 'cli-v1'], user.key);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/trained cli-v1 \(candidate\): held-out AUROC/);
    const versions = await cli(['router', 'versions'], user.key);
    expect(versions.stdout).toMatch(/cli-v1\s+logistic\s+candidate/);
    const bad = join(stateDir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}\n{"id":"b"}\n');
    const refused = await cli(['router', 'import', bad], user.key);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/line 2/);
  }, 60_000);
});

describe('a learned router deciding live', () => {
  it('routes auto with the promoted version, records it and a shadow decision; without one the heuristic decides', async () => {
    const user = await p.newTenant('live router');
    const policy = { model: 'auto', routing: { learned_router: 'active', shadow_router: 'live-shadow' } };
    await p.call('/v1/policies/learned', { key: user.key, method: 'PUT', body: policy });
    const ask = (content: string) => p.call('/v1/completions', { key: user.key, body: { policy: 'learned', messages: [{ role: 'user', content }], max_tokens: 5 } });
    // Cold start: no promoted router, the heuristic decides and no version is recorded.
    const cold = await ask('What is 12 plus 30?');
    expect(cold.status).toBe(200);
    expect(cold.body.routing.estimator).toBe('heuristic-v2');
    expect(cold.body.routing.learned).toBeUndefined();

    await p.call('/v1/router/outcomes/imports', { key: user.key, body: { jsonl: syntheticOutcomes(800, 51).map((r) => JSON.stringify(r)).join('\n') } });
    expect((await p.call('/v1/router/train', { key: user.key, body: { version: 'live-v1', seed: 1 } })).status).toBe(201);
    expect((await p.call('/v1/router/train', { key: user.key, body: { version: 'live-shadow', seed: 2 } })).status).toBe(201);
    const approver = await p.call(`/v1/admin/tenants/${user.tenantId}/keys`, { key: p.adminKey, body: { name: 'approver', role: 'approver' } });
    expect((await p.call('/v1/router/versions/live-v1/promote', { key: approver.body.key, method: 'POST' })).status).toBe(200);

    const easy = await ask('What is 41 plus 7?');
    expect(easy.body.routing.estimator).toBe('learned:live-v1');
    expect(easy.body.routing.learned).toMatchObject({ version: 'live-v1', kind: 'logistic' });
    expect(easy.body.routing.learned.p_cheap).toBeGreaterThanOrEqual(easy.body.routing.learned.threshold);
    expect(easy.body.routing.learned.shadow).toMatchObject({ version: 'live-shadow' });
    const hard = await ask('Prove that the sum of the first 90 odd numbers is a square, rigorously.');
    expect(hard.body.routing.learned.p_cheap).toBeLessThan(hard.body.routing.learned.threshold);
    const models = (await p.call('/v1/models', { key: user.key })).body.data as Array<{ id: string; quality: number; pricing: { input_per_mtok: number } }>;
    const quality = new Map(models.map((m) => [m.id, m.quality]));
    // The strong side is a stronger model than the weak side (by the registry's quality prior).
    expect(quality.get(hard.body.routing.chosen.model)!).toBeGreaterThan(quality.get(easy.body.routing.chosen.model)!);
    expect(hard.body.routing.reasons[0]).toMatch(/learned router live-v1 \(logistic\)/);
  }, 60_000);
});

