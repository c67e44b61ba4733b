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
