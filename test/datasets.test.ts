import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import type { BuildDatasetInput, BuiltDataset } from '../core/datasets/build-dataset-input.ts';
import { createPool } from '../platform/db/pool.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { createDatasetStore } from '../stores/datasets.ts';
import { estimateTrainingCosts } from '../core/datasets/training-cost.ts';
import { validateTrainingJsonl } from '../core/datasets/jsonl-validation.ts';
import { createPiiScrubber } from '../core/datasets/pii-scrubber.ts';
import { passesLuhn } from '../core/datasets/pii-rules.ts';
import { cleanDataset } from '../core/datasets/clean-dataset.ts';
import type { TrainingExample } from '../core/datasets/training-example.ts';

const ex = (user: string, assistant: string): TrainingExample => ({
  messages: [
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ],
});

describe('uploaded JSONL is validated line by line', () => {
  it('reports every bad line with its 1-based number and keeps nothing', () => {
    const good = JSON.stringify(ex('hi', 'hello'));
    const text = [
      good,
      '{not json',
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }, { role: 'user', content: 'still no answer' }] }),
      '',
      JSON.stringify({ messages: [{ role: 'robot', content: 'x' }, { role: 'assistant', content: 'y' }] }),
      good,
    ].join('\n');
    const result = validateTrainingJsonl(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(result.errors[0]!.message).toMatch(/not valid JSON/);
    expect(result.errors[1]!.message).toMatch(/assistant/);
    expect(result.errors[2]!.message).toMatch(/role/);
  });

  it('accepts a valid file with a trailing newline', () => {
    const result = validateTrainingJsonl(`${JSON.stringify(ex('a', 'b'))}\n${JSON.stringify(ex('c', 'd'))}\n`);
    expect(result.ok && result.examples.length).toBe(2);
  });
});

describe('PII scrubbing', () => {
  it('replaces emails, phones, Luhn-valid cards, API keys and IPs, and counts each', () => {
    const counts: Record<string, number> = {};
    const scrubber = createPiiScrubber();
    const out = scrubber.scrub(
      'Mail jane.doe@example.com or call +44 20 7946 0958 or (555) 123-4567. Card 4111 1111 1111 1111, order 4111 1111 1111 1112. ' +
        'Key sk-proj-abcdefghijklmnopqrstuvwx, AWS AKIAABCDEFGHIJKLMNOP. From 192.168.10.20 and 2001:db8:85a3::8a2e:370:7334 at 12:30, version 1.2.3.',
      counts,
    );
    expect(out).not.toMatch(/jane|7946|123-4567|4111 1111 1111 1111|sk-proj|AKIA|192\.168|2001:db8/);
    expect(out).toContain('order 4111 1111 1111 1112'); // fails Luhn: not a card
    expect(out).toContain('at 12:30');
    expect(out).toContain('version 1.2.3');
    expect(counts).toEqual({ email: 1, phone: 2, card_number: 1, api_key: 2, ip_address: 2 });
  });

  it('runs pluggable rules', () => {
    const counts: Record<string, number> = {};
    const scrubber = createPiiScrubber([{ name: 'employee_id', pattern: /\bEMP-\d{6}\b/g, replacement: '[EMPLOYEE]' }]);
    expect(scrubber.scrub('ask EMP-123456 please', counts)).toBe('ask [EMPLOYEE] please');
    expect(counts).toEqual({ employee_id: 1 });
  });

  it('Luhn', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
  });
});

describe('cleaning: dedup, token limit, deterministic split', () => {
  const answer = 'The refund policy allows returns within thirty days of purchase when the item is unused and in its original packaging with the receipt, and the money goes back to the card you paid with within five working days of the warehouse confirming that the parcel has arrived safely';
  it('drops exact duplicates (also those equal after scrubbing) and MinHash near-duplicates', () => {
    const rows = [
      ex('What is the refund policy? I am bob@example.com', answer),
      ex('What is the refund policy? I am alice@example.com', answer), // equal after scrubbing
      ex('What is the refund policy?', answer.replace('thirty', '30')), // one word changed: near-duplicate
      ex('How do I reset my password?', 'Open settings, choose security, then reset password and follow the link we email you within a few minutes'),
      ex('What is the refund policy?', 'We do not offer refunds on digital goods once they have been downloaded to any device'),
    ];
    const { rows: kept, report } = cleanDataset(rows);
    expect(report.input_rows).toBe(5);
    expect(report.exact_duplicates).toBe(1);
    expect(report.near_duplicates).toBe(1);
    expect(report.pii_replacements).toEqual({ email: 2 });
    expect(kept).toHaveLength(3);
    expect(JSON.stringify(kept)).not.toMatch(/@example\.com/);
  });

  it('drops examples over the token limit and splits the same way every time', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ex(`question number ${i} about topic ${i * 7}`, `distinct answer ${i} ${'x'.repeat(i % 13)} about ${i * 31}`));
    rows.push(ex('long', 'y'.repeat(5000)));
    const a = cleanDataset(rows, { maxTokensPerExample: 1000, dedupe: false });
    const b = cleanDataset([...rows], { maxTokensPerExample: 1000, dedupe: false });
    expect(a.report.over_token_limit).toBe(1);
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.rows.map((r) => r.split)).toEqual(b.rows.map((r) => r.split));
    expect(a.report.validation_rows).toBeGreaterThan(20);
    expect(a.report.validation_rows).toBeLessThan(65);
    // Adding rows never moves an existing row across the split.
    const c = cleanDataset([...rows, ex('new', 'row')], { maxTokensPerExample: 1000, dedupe: false });
    expect(c.rows.slice(0, a.rows.length).map((r) => r.split)).toEqual(a.rows.map((r) => r.split));
    const d = cleanDataset(rows, { maxTokensPerExample: 1000, dedupe: false, splitSeed: 'other' });
    expect(d.contentHash).not.toBe(a.contentHash);
  });
});

describe('dataset versions in Postgres', () => {
  const pool = createPool(inject('databaseUrl'), 2);
  afterAll(async () => pool.end());

  it('are immutable numbered versions with counts and hash, rows stored scrubbed, invisible to other tenants', async () => {
    const tenants = createTenantStore(pool);
    const a = await tenants.create('datasets a');
    const b = await tenants.create('datasets b');
    const store = createDatasetStore(pool);
    const rows = Array.from({ length: 2500 }, (_, i) => ex(`ticket ${i}: mail me at user${i}@example.com`, `answer number ${i} for case ${i * 13}`));
    const cleaned = cleanDataset(rows, { dedupe: false });
    const v1 = await store.create({ tenantId: a.id, name: 'support', source: 'upload', cleaned, selection: { file: 'x.jsonl' }, costEstimates: estimateTrainingCosts(cleaned.report.train_tokens), createdByKey: 'key_1' });
    const v2 = await store.create({ tenantId: a.id, name: 'support', source: 'upload', cleaned, selection: {}, costEstimates: [], createdByKey: 'key_1' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1.contentHash).toBe(v2.contentHash);
    expect(v1.rows).toBe(2500);
    expect(v1.trainRows + v1.validationRows).toBe(2500);
    expect(v1.trainTokens).toBe(cleaned.report.train_tokens);
    expect(v1.cleaning.pii_replacements).toEqual({ email: 2500 });
    expect(v1.costEstimates.find((c) => c.base_model === 'gpt-4o-mini-2024-07-18')!.usd).toBeGreaterThan(0);
    const page = await store.rows(a.id, v1.id, { offset: 2490, limit: 50 });
    expect(page.map((r) => r.position)).toEqual([2490, 2491, 2492, 2493, 2494, 2495, 2496, 2497, 2498, 2499]);
    expect(JSON.stringify(await store.rows(a.id, v1.id, { offset: 0, limit: 3000 }))).not.toContain('@example.com');
    expect(await store.get(b.id, v1.id)).toBeUndefined();
    expect(await store.rows(b.id, v1.id, { offset: 0, limit: 10 })).toEqual([]);
    expect(await store.list(b.id)).toEqual([]);
    expect((await store.list(a.id, { name: 'support' })).map((v) => v.version)).toEqual([2, 1]);
  });
});

describe('selecting recorded completions', () => {
  const pool = createPool(inject('databaseUrl'), 2);
  afterAll(async () => pool.end());

  it('filters by model, time, template, rating and labels, uses corrections as targets, and stays in its tenant', async () => {
    const tenants = createTenantStore(pool);
    const a = await tenants.create('recorded a');
    const b = await tenants.create('recorded b');
    const store = createDatasetStore(pool);
    const conv = `conv_${a.id}`;
    await pool.query('INSERT INTO conversations (id, tenant_id) VALUES ($1, $2)', [conv, a.id]);
    const run = async (tenantId: string, runId: string, model: string, seq: number, q: string, answer: string, at: string, template: string | null) => {
      await pool.query(
        `INSERT INTO completions (run_id, tenant_id, status, requested_model, provider, model, output_text, prompt_template, prompt_version, created_at)
         VALUES ($1, $2, 'completed', $3, 'openai', $3, $4, $5, $6, $7)`,
        [runId, tenantId, model, answer, template, template ? 1 : null, at],
      );
      if (tenantId !== a.id) return;
      await pool.query(`INSERT INTO conversation_messages (id, conversation_id, tenant_id, seq, role, content) VALUES ($1, $2, $3, $4, 'user', $5)`, [`${runId}_u`, conv, tenantId, seq, q]);
      await pool.query(`INSERT INTO conversation_messages (id, conversation_id, tenant_id, seq, role, content, run_id, part) VALUES ($1, $2, $3, $4, 'assistant', $5, $6, 0)`, [`${runId}_a`, conv, tenantId, seq + 1, answer, runId]);
    };
    const feedback = (runId: string, rating: number | null, corrected: string | null, labels: string[]) =>
      pool.query(`INSERT INTO run_feedback (id, tenant_id, run_id, api_key_id, rating, corrected_output, labels) VALUES ($1, $2, $3, 'k', $4, $5, $6)`, [`fb_${runId}_${Math.random()}`, a.id, runId, rating, corrected, JSON.stringify(labels)]);
    const r1 = `${a.id}_r1`;
    const r2 = `${a.id}_r2`;
    const r3 = `${a.id}_r3`;
    await run(a.id, r1, 'gpt-4o-mini', 1, 'q1', 'a1', '2026-01-01T00:00:00Z', 'support');
    await run(a.id, r2, 'gpt-4o', 3, 'q2', 'a2', '2026-01-02T00:00:00Z', null);
    await run(a.id, r3, 'gpt-4o-mini', 5, 'q3', 'a3', '2026-01-03T00:00:00Z', 'support');
    await run(b.id, `${b.id}_r1`, 'gpt-4o-mini', 1, 'x', 'y', '2026-01-01T00:00:00Z', null);
    await feedback(r1, 1, null, ['good']);
    await feedback(r3, -0.5, 'a3 corrected (old)', []);
    await feedback(r3, 0.5, 'a3 corrected', ['fixed']);

    const all = await store.recordedExamples(a.id, {});
    expect(all.map((e) => e.runId)).toEqual([r1, r2, r3]);
    // The whole conversation before the answer is the prompt; the latest correction is the target.
    expect(all[2]!.example.messages).toEqual([
      { role: 'user', content: 'q1' }, { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' }, { role: 'assistant', content: 'a2' },
      { role: 'user', content: 'q3' }, { role: 'assistant', content: 'a3 corrected' },
    ]);
    expect(all[2]!.corrected).toBe(true);
    const ids = async (sel: Parameters<typeof store.recordedExamples>[1]) => (await store.recordedExamples(a.id, sel)).map((e) => e.runId);
    expect(await ids({ models: ['gpt-4o-mini'] })).toEqual([r1, r3]);
    expect(await ids({ from: '2026-01-02T00:00:00Z' })).toEqual([r2, r3]);
    expect(await ids({ to: '2026-01-02T00:00:00Z' })).toEqual([r1]);
    expect(await ids({ prompt_template: 'support' })).toEqual([r1, r3]);
    expect(await ids({ min_rating: 0.5 })).toEqual([r1]); // r3 averages 0
    expect(await ids({ labels: ['fixed', 'nope'] })).toEqual([r3]);
    expect(await ids({ only_corrected: true })).toEqual([r3]);
    expect(await ids({ conversation_id: 'conv_other' })).toEqual([]);
    expect(await store.recordedExamples(b.id, {})).toEqual([]); // b's run has no kept prompt; a's never show
  });
});

describe('the buildDataset workflow (real Temporal, worker, Postgres)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  }, 120_000);
  afterAll(async () => p?.close());

  it('turns recorded conversation runs into a scrubbed, deduplicated version; an empty selection fails fast', async () => {
    const { tenantId } = await p.newTenant('build-dataset');
    const conv = `conv_b_${tenantId}`;
    await p.pool.query('INSERT INTO conversations (id, tenant_id) VALUES ($1, $2)', [conv, tenantId]);
    for (let i = 0; i < 6; i++) {
      const runId = `${tenantId}_run${i}`;
      // Runs 0 and 1 ask and answer the same thing but for the email: duplicates after scrubbing.
      const q = i < 2 ? `my email is person${i}@example.com, how do I reset my password?` : `question ${i} about invoices and order ${i * 1000}`;
      const a = i < 2 ? 'Open settings, then security, then reset password.' : `answer ${i} explaining the invoice flow for order ${i * 1000}`;
      await p.pool.query(`INSERT INTO completions (run_id, tenant_id, status, requested_model, provider, model, output_text) VALUES ($1, $2, 'completed', 'gpt-4o-mini', 'openai', 'gpt-4o-mini', $3)`, [runId, tenantId, a]);
      const c2 = `conv_b_${tenantId}_${i}`;
      await p.pool.query('INSERT INTO conversations (id, tenant_id) VALUES ($1, $2)', [c2, tenantId]);
      await p.pool.query(`INSERT INTO conversation_messages (id, conversation_id, tenant_id, seq, role, content) VALUES ($1, $2, $3, 1, 'user', $4)`, [`${runId}_u`, c2, tenantId, q]);
      await p.pool.query(`INSERT INTO conversation_messages (id, conversation_id, tenant_id, seq, role, content, run_id, part) VALUES ($1, $2, $3, 2, 'assistant', $4, $5, 0)`, [`${runId}_a`, c2, tenantId, a, runId]);
    }
    const run = (id: string, input: Partial<BuildDatasetInput>) =>
      p.client.workflow.execute('buildDataset', {
        taskQueue: p.env.TEMPORAL_TASK_QUEUE,
        workflowId: id,
        args: [{ tenantId, createdByKey: 'key_test', name: 'support', selection: {}, cleaning: {}, ...input }],
      }) as Promise<BuiltDataset>;
    const built = await run(`ds-build-${Date.now()}`, {});
    expect(built.version).toBe(1);
    expect(built.report.input_rows).toBe(6);
    expect(built.report.exact_duplicates).toBe(1);
    expect(built.report.pii_replacements).toEqual({ email: 2 });
    expect(built.rows).toBe(5);
    const store = createDatasetStore(p.pool);
    const rows = await store.rows(tenantId, built.datasetId, { offset: 0, limit: 10 });
    expect(rows).toHaveLength(5);
    expect(JSON.stringify(rows)).not.toContain('@example.com');
    // Bad data fails on the first attempt (non-retryable), with the reason in the failure chain.
    const failure = await run(`ds-build-empty-${Date.now()}`, { selection: { models: ['no-such-model'] } }).then(() => undefined, (err: unknown) => err);
    const messages: string[] = [];
    for (let e = failure as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) messages.push(e.message ?? '');
    expect(messages.join(' | ')).toMatch(/no recorded completions/);
    expect(JSON.stringify(failure)).toMatch(/NON_RETRYABLE/);
    expect((await store.list(tenantId)).map((v) => v.version)).toEqual([1]);
  }, 120_000);
});
