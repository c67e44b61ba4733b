import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * Keys carry roles (admin, approver, member, read-only), and an approval is recorded under the
 * authenticated key: never under a name the request made up (issue #10, finding 4).
 */

let p: TestPlatform;
let tenantId: string;
/** Keys of one tenant, one per role, created through the admin API. */
const keys: Record<'approver' | 'member' | 'readOnly', { id: string; key: string; name: string }> = {} as never;

const TEMPLATE = 'greeting';

async function createKey(name: string, body: Record<string, unknown>) {
  return p.call(`/v1/admin/tenants/${tenantId}/keys`, { key: p.adminKey, body: { name, ...body } });
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
}

beforeAll(async () => {
  p = await startTestPlatform();
  ({ tenantId } = await p.newTenant('roles'));
  for (const [slot, name, role] of [
    ['approver', 'release approver', 'approver'],
    ['member', 'ci member', 'member'],
    ['readOnly', 'dashboard', 'read-only'],
  ] as const) {
    const created = await createKey(name, { role });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    keys[slot] = { id: created.body.id, key: created.body.key, name };
  }
  const variables = { properties: { who: { type: 'string' } }, required: ['who'] };
  const made = await p.call('/v1/prompts', { key: keys.member.key, body: { name: TEMPLATE, text: 'Hello {{ who }}', variables, labels: ['production'] } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const v2 = await p.call(`/v1/prompts/${TEMPLATE}/versions`, { key: keys.member.key, body: { text: 'Hello there, {{ who }}!', variables } });
  expect(v2.status, JSON.stringify(v2.body)).toBe(201);
});
afterAll(async () => p?.close());

/** An experiment that reaches awaiting_approval within a second or two (success metric, 3 per variant). */
async function experimentAwaitingApproval(prefix: string): Promise<string> {
  const started = await p.call('/v1/experiments', {
    key: keys.member.key,
    body: {
      name: prefix,
      template: TEMPLATE,
      variants: [{ name: 'control', version: 1 }, { name: 'friendly', version: 2 }],
      metric: 'success',
      min_samples_per_variant: 3,
      check_interval_seconds: 0.1,
      guardrail: null,
      approval_timeout_seconds: 120,
    },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const id: string = started.body.id;
  const subjects = Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`);
  for (const subject_id of subjects) {
    expect((await p.call(`/v1/experiments/${id}/assignments`, { key: keys.member.key, body: { subject_id } })).status).toBe(200);
  }
  for (const [i, subject_id] of subjects.entries()) {
    expect((await p.call(`/v1/experiments/${id}/outcomes`, { key: keys.member.key, body: { subject_id, success: i % 2 === 0 } })).status).toBe(200);
  }
  await waitForStatus(id, ['awaiting_approval']);
  return id;
}

async function waitForStatus(id: string, statuses: string[], timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await p.call(`/v1/experiments/${id}`, { key: keys.readOnly.key });
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`experiment ${id} is ${res.body.status}, not ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API key roles', () => {
  it('creates keys with a role, returns and lists it, and refuses a bad role with 400', async () => {
    const approver = await createKey('second approver', { role: 'approver' });
    expect(approver.body).toMatchObject({ object: 'api_key', role: 'approver', admin: false });
    expect((await createKey('plain', {})).body).toMatchObject({ role: 'member', admin: false });
    // The older form still works, and means the admin role.
    expect((await createKey('old-style admin', { admin: true })).body).toMatchObject({ role: 'admin', admin: true });

    const listed = await p.call(`/v1/admin/tenants/${tenantId}/keys`, { key: p.adminKey });
    const roleOf = Object.fromEntries(listed.body.data.map((k: any) => [k.name, k.role]));
    expect(roleOf).toMatchObject({ 'release approver': 'approver', 'ci member': 'member', dashboard: 'read-only', plain: 'member', 'old-style admin': 'admin' });

    expectError(await createKey('nope', { role: 'superuser' }), 400, 'validation_failed');
    expectError(await createKey('nope', { role: 'member', admin: true }), 400, 'validation_failed');
    expectError(await createKey('nope', { role: 7 }), 400, 'validation_failed');
  });

  it('lets a read-only key read and query, and refuses everything that changes state with 403', async () => {
    const readOnly = keys.readOnly.key;
    expect((await p.call('/v1/runs', { key: readOnly })).status).toBe(200);
    expect((await p.call(`/v1/prompts/${TEMPLATE}`, { key: readOnly })).status).toBe(200);
    const rendered = await p.call(`/v1/prompts/${TEMPLATE}/render`, { key: readOnly, body: { variables: { who: 'Ada' } } });
    expect(rendered.status, JSON.stringify(rendered.body)).toBe(200);

    const refused = await p.call('/v1/prompts', { key: readOnly, body: { name: 'sneaky', text: 'x' } });
    expectError(refused, 403, 'insufficient_role');
    expect(refused.body.error.type).toBe('permission_error');
    expect(refused.body.error.message).toMatch(/read-only/);
    expectError(await p.call(`/v1/prompts/${TEMPLATE}/labels/production`, { method: 'PUT', key: readOnly, body: { version: 2 } }), 403, 'insufficient_role');
    expectError(await p.call(`/v1/prompts/${TEMPLATE}/labels/production`, { method: 'DELETE', key: readOnly }), 403, 'insufficient_role');
    expect((await p.call(`/v1/prompts/${TEMPLATE}`, { key: readOnly })).body.labels).toMatchObject({ production: 1 });

    // Repeating a member's request under its idempotency key is no way around the role.
    const idem = { 'idempotency-key': 'roles-readonly-replay' };
    const body = { name: 'replayed', text: 'Hi' };
    expect((await p.call('/v1/prompts', { key: keys.member.key, body, headers: idem })).status).toBe(201);
    expectError(await p.call('/v1/prompts', { key: readOnly, body, headers: idem }), 403, 'insufficient_role');
  });
});

describe('approvals bound to the authenticated key', () => {
  let viaSignal: string;
  let viaEndpoint: string;
  beforeAll(async () => {
    [viaSignal, viaEndpoint] = await Promise.all([experimentAwaitingApproval('sig'), experimentAwaitingApproval('api')]);
  }, 90_000);

  it('refuses a forged approval through the raw signal endpoint from a member key (403), and nothing moves', async () => {
    const forged = await p.call(`/v1/runs/${viaSignal}/signal/approval`, {
      key: keys.member.key,
      body: { args: [{ decision: 'approve', by: 'key_FORGED', comment: 'trust me' }] },
    });
    expectError(forged, 403, 'insufficient_role');
    expectError(await p.call(`/v1/runs/${viaSignal}/signal/approval`, { key: keys.readOnly.key, body: { args: [{ decision: 'approve' }] } }), 403, 'insufficient_role');
    // The run is still waiting, and a read-only key may still ask it how it stands.
    const state = await p.call(`/v1/runs/${viaSignal}/query/state`, { key: keys.readOnly.key, body: {} });
    expect(state.status, JSON.stringify(state.body)).toBe(200);
    expect(state.body.result.status).toBe('awaiting_approval');
    expect((await p.call(`/v1/experiments/${viaSignal}`, { key: keys.member.key })).body).toMatchObject({ status: 'awaiting_approval', decision: null });
    expect((await p.call(`/v1/prompts/${TEMPLATE}`, { key: keys.member.key })).body.labels).toMatchObject({ production: 1 });
  });

  it("records an approver's approval through the raw signal endpoint under the approver's real key id and name", async () => {
    const malformed = await p.call(`/v1/runs/${viaSignal}/signal/approval`, { key: keys.approver.key, body: { args: ['approve'] } });
    expectError(malformed, 400, 'invalid_approval');

    const res = await p.call(`/v1/runs/${viaSignal}/signal/approval`, {
      key: keys.approver.key,
      body: { args: [{ decision: 'approve', variant: 'friendly', by: { keyId: 'key_FORGED', keyName: 'the CEO' }, comment: 'ship it' }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    const done = await waitForStatus(viaSignal, ['promoted']);
    expect(done.decision).toMatchObject({ decision: 'approve', variant: 'friendly', by: { key_id: keys.approver.id, key_name: keys.approver.name }, comment: 'ship it' });
    const outcome = await p.client.workflow.getHandle(viaSignal).result();
    expect(outcome.decision.by).toEqual({ keyId: keys.approver.id, keyName: keys.approver.name });

    const history = await p.call(`/v1/prompts/${TEMPLATE}/label-history?limit=1`, { key: keys.member.key });
    const event = history.body.data[0];
    expect(event).toMatchObject({ label: 'production', to_version: 2 });
    expect(event.reason).toContain(keys.approver.id);
    expect(event.reason).toContain(keys.approver.name);
    expect(JSON.stringify(history.body)).not.toMatch(/key_FORGED|the CEO/);
    expect(JSON.stringify(done)).not.toMatch(/key_FORGED|the CEO/);
  });

  it('refuses a member key at the approval endpoint and records an approver key that uses it', async () => {
    const refused = await p.call(`/v1/experiments/${viaEndpoint}/approval`, { key: keys.member.key, body: { decision: 'approve' } });
    expectError(refused, 403, 'insufficient_role');
    expect(refused.body.error.message).toMatch(/approver/);
    // Who approves is never a field of the request.
    expectError(await p.call(`/v1/experiments/${viaEndpoint}/approval`, { key: keys.approver.key, body: { decision: 'reject', by: 'key_FORGED' } }), 400, 'validation_failed');
    expect((await p.call(`/v1/experiments/${viaEndpoint}`, { key: keys.member.key })).body.status).toBe('awaiting_approval');

    const accepted = await p.call(`/v1/experiments/${viaEndpoint}/approval`, { key: keys.approver.key, body: { decision: 'reject', comment: 'not yet' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const done = await waitForStatus(viaEndpoint, ['rejected']);
    expect(done.decision).toMatchObject({ decision: 'reject', by: { key_id: keys.approver.id, key_name: keys.approver.name }, comment: 'not yet' });
  });
});
