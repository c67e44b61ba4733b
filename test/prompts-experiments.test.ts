import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };
let other: { tenantId: string; key: string };

const TEMPLATE = 'answer';

beforeAll(async () => {
  p = await startTestPlatform();
  // Approver keys: these tests approve, and the bystander's approval must fail on ownership (404), not role.
  [t, other] = await Promise.all([p.newTenant('experimenter', { role: 'approver' }), p.newTenant('bystander', { role: 'approver' })]);
  const variables = { properties: { question: { type: 'string' } }, required: ['question'] };
  const created = await p.call('/v1/prompts', { key: t.key, body: { name: TEMPLATE, text: 'Answer: {{ question }}', variables, labels: ['production'] } });
  expect(created.status).toBe(201);
  const v2 = await p.call(`/v1/prompts/${TEMPLATE}/versions`, { key: t.key, body: { text: 'Answer briefly and kindly: {{ question }}', variables } });
  expect(v2.status).toBe(201);
});
afterAll(async () => p?.close());

const fast = { check_interval_seconds: 0.1, guardrail: null };
const variants = [
  { name: 'control', version: 1 },
  { name: 'kind', version: 2, model: 'claude-sonnet-4-6' },
];

async function startExperiment(body: Record<string, unknown>): Promise<any> {
  const res = await p.call('/v1/experiments', { key: t.key, body: { name: 'tone', template: TEMPLATE, variants, ...fast, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Assigns subjects s0..s(n-1); returns each subject's variant. */
async function expose(id: string, n: number, prefix = 's'): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const results = await Promise.all(Array.from({ length: n }, (_, i) => p.call(`/v1/experiments/${id}/assignments`, { key: t.key, body: { subject_id: `${prefix}${i}` } })));
  results.forEach((r, i) => {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.set(`${prefix}${i}`, r.body.variant);
  });
  return out;
}

async function report(id: string, assigned: Map<string, string>, outcome: (variant: string, i: number) => Record<string, unknown>) {
  let i = 0;
  const calls = [...assigned].map(([subject, variant]) => p.call(`/v1/experiments/${id}/outcomes`, { key: t.key, body: { subject_id: subject, ...outcome(variant, i++) } }));
  for (const res of await Promise.all(calls)) expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function waitForStatus(id: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await p.call(`/v1/experiments/${id}`, { key: t.key });
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`experiment ${id} is ${res.body.status}, not ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const labels = async () => (await p.call(`/v1/prompts/${TEMPLATE}`, { key: t.key })).body.labels;

describe('A/B experiment workflow', () => {
  it('runs to its sample size, waits for approval, then promotes the winner to production', async () => {
    const exp = await startExperiment({ metric: 'score', min_samples_per_variant: 15, approval_timeout_seconds: 60 });
    expect(exp).toMatchObject({ status: 'running', template: TEMPLATE, metric: 'score', promote_label: 'production' });

    const assigned = await expose(exp.id, 60);
    // Sticky: the same subject gets the same variant, and is exposed once.
    const again = await p.call(`/v1/experiments/${exp.id}/assignments`, { key: t.key, body: { subject_id: 's7', variables: { question: 'Why?' } } });
    expect(again.body).toMatchObject({ variant: assigned.get('s7'), first_exposure: false });
    expect(again.body.rendered.text).toBe(assigned.get('s7') === 'kind' ? 'Answer briefly and kindly: Why?' : 'Answer: Why?');
    expect(again.body.model).toBe(assigned.get('s7') === 'kind' ? 'claude-sonnet-4-6' : null);
    expect(new Set(assigned.values())).toEqual(new Set(['control', 'kind']));

    const early = await p.call(`/v1/experiments/${exp.id}/approval`, { key: t.key, body: { decision: 'approve' } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('experiment_not_awaiting_approval');

    await report(exp.id, assigned, (variant, i) => ({ value: (variant === 'kind' ? 7 : 5) + ((i % 5) - 2) * 0.5 }));
    const waiting = await waitForStatus(exp.id, ['awaiting_approval']);
    expect(waiting).toMatchObject({ stop_reason: 'sample_size_reached', recommendation: { variant: 'kind', version: 2, reason: 'significant_improvement' } });

    const results = (await p.call(`/v1/experiments/${exp.id}/results`, { key: t.key })).body;
    expect(results).toMatchObject({ test: 'welch_t_test', confidence: 0.95, control: 'control', sample_size_reached: true });
    expect(results.test_description).toMatch(/Welch/);
    const byName = Object.fromEntries(results.variants.map((v: any) => [v.name, v]));
    for (const name of ['control', 'kind']) {
      const count = [...assigned.values()].filter((v) => v === name).length;
      expect(byName[name]).toMatchObject({ exposures: count, outcomes: count });
      expect(byName[name].ci_low).toBeLessThan(byName[name].mean);
      expect(byName[name].ci_high).toBeGreaterThan(byName[name].mean);
    }
    expect(byName.kind.mean - byName.control.mean).toBeCloseTo(2, 0);
    expect(results.comparisons[0]).toMatchObject({ variant: 'kind', control: 'control', significant: true, better: true });
    expect(results.comparisons[0].p_value).toBeLessThan(1e-6);

    const closed = await p.call(`/v1/experiments/${exp.id}/assignments`, { key: t.key, body: { subject_id: 'late' } });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('experiment_not_running');

    const approval = await p.call(`/v1/experiments/${exp.id}/approval`, { key: t.key, body: { decision: 'approve', comment: 'ship it' } });
    expect(approval.status).toBe(202);
    const outcome = await p.client.workflow.getHandle(exp.id).result();
    expect(outcome).toMatchObject({ status: 'promoted', decision: { decision: 'approve', variant: 'kind', label: 'production', fromVersion: 1, toVersion: 2 } });
    expect(await labels()).toMatchObject({ production: 2 });
    const history = await p.call(`/v1/prompts/${TEMPLATE}/label-history?limit=1`, { key: t.key });
    expect(history.body.data[0]).toMatchObject({ label: 'production', from_version: 1, to_version: 2, actor: `experiment:${exp.id}` });
    expect(history.body.data[0].reason).toContain('ship it');
    expect((await p.call(`/v1/experiments/${exp.id}`, { key: t.key })).body).toMatchObject({ status: 'promoted', decision: { to_version: 2, comment: 'ship it' } });

    // Back to version 1 for the other experiments: rollback is a label move.
    await p.call(`/v1/prompts/${TEMPLATE}/labels/production`, { method: 'PUT', key: t.key, body: { version: 1, reason: 'reset' } });
  });

  it('handles rejection, the approval time-out, the guardrail, the deadline and cancellation', async () => {
    const [rejected, timedOut, guarded, deadline, cancelled] = await Promise.all([
      startExperiment({ metric: 'success', min_samples_per_variant: 5, approval_timeout_seconds: 60 }),
      startExperiment({ metric: 'success', min_samples_per_variant: 3, approval_timeout_seconds: 1 }),
      startExperiment({ metric: 'score', min_samples_per_variant: 10_000, guardrail: { alpha: 0.01, min_samples_per_variant: 10 }, approval_timeout_seconds: 60 }),
      startExperiment({ metric: 'score', min_samples_per_variant: 10_000, max_duration_seconds: 1, approval_timeout_seconds: 60 }),
      startExperiment({ metric: 'score', min_samples_per_variant: 10_000, approval_timeout_seconds: 60 }),
    ]);
    const [r, to, g] = await Promise.all([expose(rejected.id, 30, 'r'), expose(timedOut.id, 30, 't'), expose(guarded.id, 60, 'g')]);
    await Promise.all([
      report(rejected.id, r, (_v, i) => ({ success: i % 2 === 0 })),
      report(timedOut.id, to, (_v, i) => ({ success: i % 3 === 0 })),
      report(guarded.id, g, (variant, i) => ({ value: (variant === 'kind' ? 1 : 9) + (i % 3) })),
    ]);

    await waitForStatus(rejected.id, ['awaiting_approval']);
    expect((await p.call(`/v1/experiments/${rejected.id}/results`, { key: t.key })).body).toMatchObject({ test: 'two_proportion_z_test' });
    expect((await p.call(`/v1/experiments/${rejected.id}/approval`, { key: t.key, body: { decision: 'approve', variant: 'nope' } })).body.error.code).toBe('variant_not_found');
    expect((await p.call(`/v1/experiments/${rejected.id}/approval`, { key: t.key, body: { decision: 'reject', comment: 'not convinced' } })).status).toBe(202);

    const guardStop = await waitForStatus(guarded.id, ['awaiting_approval']);
    expect(guardStop).toMatchObject({ stop_reason: 'guardrail', recommendation: { variant: 'control', reason: 'guardrail' } });
    const guardResults = (await p.call(`/v1/experiments/${guarded.id}/results`, { key: t.key })).body;
    expect(guardResults.guardrail_breach.variant).toBe('kind');
    expect(guardResults.guardrail_breach.p_value).toBeLessThan(0.01);
    // Approving a guardrail stop promotes the control: production stays where it was.
    expect((await p.call(`/v1/experiments/${guarded.id}/approval`, { key: t.key, body: { decision: 'approve' } })).status).toBe(202);

    const deadlineStop = await waitForStatus(deadline.id, ['awaiting_approval']);
    expect(deadlineStop).toMatchObject({ stop_reason: 'deadline', recommendation: { reason: 'insufficient_data' } });
    await p.call(`/v1/experiments/${deadline.id}/approval`, { key: t.key, body: { decision: 'reject' } });

    expect((await p.call(`/v1/runs/${cancelled.id}/cancel`, { key: t.key, body: {} })).status).toBe(202);

    const [rejectedOutcome, timedOutOutcome, guardedOutcome, deadlineOutcome] = await Promise.all(
      [rejected, timedOut, guarded, deadline].map((e) => p.client.workflow.getHandle(e.id).result()),
    );
    expect(rejectedOutcome).toMatchObject({ status: 'rejected', decision: { decision: 'reject', comment: 'not convinced' } });
    expect(timedOutOutcome).toMatchObject({ status: 'approval_timed_out', decision: { decision: 'timeout' } });
    expect(guardedOutcome).toMatchObject({ status: 'promoted', decision: { variant: 'control', toVersion: 1 } });
    expect(deadlineOutcome).toMatchObject({ status: 'rejected', stopReason: 'deadline' });
    expect((await waitForStatus(cancelled.id, ['cancelled'])).status).toBe('cancelled');
    expect((await waitForStatus(timedOut.id, ['approval_timed_out'])).decision.decision).toBe('timeout');
    expect(await labels()).toMatchObject({ production: 1 });
  });
});

describe('experiment input and tenancy', () => {
  it('refuses bad experiments and bad outcomes with a 4xx', async () => {
    const post = (body: Record<string, unknown>) => p.call('/v1/experiments', { key: t.key, body: { name: 'x', template: TEMPLATE, metric: 'score', variants, ...body } });
    const duplicate = await post({ variants: [variants[0], { ...variants[1], name: 'control' }] });
    expect(duplicate.body.error.code).toBe('validation_failed');
    expect((await post({ variants: [variants[0]] })).body.error.code).toBe('validation_failed');
    expect((await post({ variants: [variants[0], { name: 'ghost', version: 9 }] })).body.error.code).toBe('version_not_found');
    expect((await post({ template: 'nothing-here' })).body.error.code).toBe('template_not_found');
    expect((await post({ variants: [variants[0], { ...variants[1], model: 'no-such-model' }] })).body.error.code).toBe('model_not_found');
    expect((await post({ metric: 'vibes', confidence: 2 })).body.error.details.map((d: any) => d.path).sort()).toEqual(['confidence', 'metric']);

    const exp = await startExperiment({ metric: 'success', min_samples_per_variant: 10_000 });
    const wrongType = await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: { subject_id: 'a', value: 3 } });
    expect(wrongType.body.error.code).toBe('outcome_type_mismatch');
    const unexposed = await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: { subject_id: 'never-seen', success: true } });
    expect(unexposed.status).toBe(409);
    expect(unexposed.body.error.code).toBe('subject_not_exposed');
    const badVariables = await p.call(`/v1/experiments/${exp.id}/assignments`, { key: t.key, body: { subject_id: 'v', variables: { question: 1 } } });
    expect(badVariables.body.error.code).toBe('variables_invalid');
    expect((await p.call(`/v1/experiments/${exp.id}/results`, { key: t.key })).body.variants.every((v: any) => v.exposures === 0)).toBe(true);

    // Another tenant sees nothing of it.
    for (const [path, body] of [
      [`/v1/experiments/${exp.id}`, undefined],
      [`/v1/experiments/${exp.id}/results`, undefined],
      [`/v1/experiments/${exp.id}/assignments`, { subject_id: 'x' }],
      [`/v1/experiments/${exp.id}/outcomes`, { subject_id: 'x', success: true }],
      [`/v1/experiments/${exp.id}/approval`, { decision: 'approve' }],
    ] as const) {
      const res = await p.call(path, { key: other.key, ...(body && { body }) });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('experiment_not_found');
    }
    expect((await p.call('/v1/experiments', { key: other.key })).body.data).toEqual([]);
    expect((await p.call(`/v1/runs/${exp.id}`, { key: other.key })).status).toBe(404);
    await p.call(`/v1/runs/${exp.id}/cancel`, { key: t.key, body: {} });
  });
});
