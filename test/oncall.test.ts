import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { createPagerDutyEmulator, type PagerDutyEmulator } from '../tooling/emulator/pagerduty/create-pagerduty-emulator.ts';
import { selfSignedCert, type SelfSignedCert } from '../tooling/emulator/pagerduty/self-signed-cert.ts';
import { createPagerDuty } from '../core/ops/oncall/pagerduty.ts';
import { createOnCallActivities } from '../activities/ops/oncall-activities.ts';
import { createOnCallStore } from '../stores/oncall.ts';
import { ensureOnCallRotationSchedule } from '../core/ops/oncall/rotation-schedule.ts';
import type { AnnouncedHandoff } from '../core/ops/oncall/rotation-types.ts';
import { newId } from '../platform/ids.ts';
import { alertWorkflowId } from '../core/ops/alert-intake.ts';
import type { AlertRunState } from '../core/ops/alert-types.ts';
import { whoIsOnCall, nextHandoff, handoffsBetween } from '../core/ops/oncall/schedule-math.ts';
import { localParts, localToInstant } from '../core/ops/oncall/time-zone.ts';
import { OnCallScheduleSpecSchema, type OnCallScheduleSpec, type OverrideWindow } from '../core/ops/oncall/oncall-types.ts';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();
const at = (text: string) => Date.parse(text);

/** A seeded PRNG: the property checks are repeatable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const daily: OnCallScheduleSpec = OnCallScheduleSpecSchema.parse({
  name: 'primary',
  time_zone: NY,
  layers: [{ name: 'follow-the-day', rotation: 'daily', handoff_time: '09:00', start_date: '2027-01-04', users: ['ana', 'bo', 'cy'] }],
});

describe('time zones', () => {
  it('resolves a local time in the spring-forward gap to after the gap, and a repeated one to the first', () => {
    // 2027-03-14 02:30 does not exist in New York (01:59 EST → 03:00 EDT): 03:30 EDT.
    expect(iso(localToInstant({ year: 2027, month: 3, day: 14, hour: 2, minute: 30 }, NY))).toBe('2027-03-14T07:30:00.000Z');
    // 2027-11-07 01:30 happens twice (EDT, then EST): the first.
    expect(iso(localToInstant({ year: 2027, month: 11, day: 7, hour: 1, minute: 30 }, NY))).toBe('2027-11-07T05:30:00.000Z');
    expect(iso(localToInstant({ year: 2027, month: 7, day: 1, hour: 9, minute: 0 }, 'Asia/Kolkata'))).toBe('2027-07-01T03:30:00.000Z');
  });
});

describe('on-call schedule maths', () => {
  it('rotates daily at 09:00 local through both DST changes (23 h and 25 h shifts)', () => {
    expect(whoIsOnCall(daily, [], at('2027-01-04T14:00:00Z'))).toEqual({ user: 'ana', source: 'follow-the-day' });
    expect(whoIsOnCall(daily, [], at('2027-01-04T13:59:59Z')).user).toBeNull(); // before the first handoff
    const spring = nextHandoff(daily, [], at('2027-03-13T15:00:00Z'))!;
    expect(iso(spring.at)).toBe('2027-03-14T13:00:00.000Z'); // 09:00 EDT
    expect(spring.at - at('2027-03-13T14:00:00Z')).toBe(23 * HOUR);
    const fall = nextHandoff(daily, [], at('2027-11-06T15:00:00Z'))!;
    expect(iso(fall.at)).toBe('2027-11-07T14:00:00.000Z'); // 09:00 EST
    expect(fall.at - at('2027-11-06T13:00:00Z')).toBe(25 * HOUR);
  });

  it('property: from any instant, the next handoff is at 09:00 local, changes the person, and nothing changes before it', () => {
    const random = rng(16);
    const users = ['ana', 'bo', 'cy'];
    for (let i = 0; i < 300; i++) {
      const t = at('2027-01-05T00:00:00Z') + Math.floor(random() * 360 * 24) * HOUR + Math.floor(random() * HOUR);
      const h = nextHandoff(daily, [], t)!;
      const local = localParts(h.at, NY);
      expect([local.hour, local.minute]).toEqual([9, 0]);
      expect(h.at - t).toBeGreaterThan(0);
      expect(h.at - t).toBeLessThanOrEqual(25 * HOUR);
      expect(whoIsOnCall(daily, [], h.at - 1)).toEqual(h.from);
      expect(whoIsOnCall(daily, [], h.at)).toEqual(h.to);
      expect(whoIsOnCall(daily, [], Math.floor((t + h.at) / 2))).toEqual(h.from);
      // Round robin: the next person in the list.
      expect(h.to.user).toBe(users[(users.indexOf(h.from.user!) + 1) % 3]);
    }
  });

  it('rotates weekly on the start weekday, across the European DST change', () => {
    const weekly = OnCallScheduleSpecSchema.parse({
      name: 'eu',
      time_zone: 'Europe/London',
      layers: [{ name: 'weekly', rotation: 'weekly', handoff_time: '10:00', start_date: '2027-03-22', users: ['dee', 'eli'] }],
    });
    const handoffs = handoffsBetween(weekly, [], at('2027-03-22T12:00:00Z'), at('2027-04-20T00:00:00Z'));
    expect(handoffs.map((h) => iso(h.at))).toEqual(['2027-03-29T09:00:00.000Z', '2027-04-05T09:00:00.000Z', '2027-04-12T09:00:00.000Z', '2027-04-19T09:00:00.000Z']);
    expect(handoffs.map((h) => h.to.user)).toEqual(['eli', 'dee', 'eli', 'dee']);
  });

  it('overrides win (the latest created on overlap) and the schedule resumes after them', () => {
    const overrides: OverrideWindow[] = [
      { user: 'sub', start: at('2027-02-01T18:00:00Z'), end: at('2027-02-02T02:00:00Z'), createdAt: 1 },
      { user: 'late', start: at('2027-02-01T20:00:00Z'), end: at('2027-02-01T21:00:00Z'), createdAt: 2 },
    ];
    const base = whoIsOnCall(daily, [], at('2027-02-01T17:00:00Z'));
    expect(whoIsOnCall(daily, overrides, at('2027-02-01T19:00:00Z'))).toEqual({ user: 'sub', source: 'override' });
    expect(whoIsOnCall(daily, overrides, at('2027-02-01T20:30:00Z')).user).toBe('late');
    const steps = handoffsBetween(daily, overrides, at('2027-02-01T17:00:00Z'), at('2027-02-02T15:00:00Z'));
    expect(steps.map((h) => [iso(h.at), h.to.user])).toEqual([
      ['2027-02-01T18:00:00.000Z', 'sub'],
      ['2027-02-01T20:00:00.000Z', 'late'],
      ['2027-02-01T21:00:00.000Z', 'sub'],
      ['2027-02-02T02:00:00.000Z', base.user],
      ['2027-02-02T14:00:00.000Z', daily.layers[0]!.users[(daily.layers[0]!.users.indexOf(base.user!) + 1) % 3]],
    ]);
  });

  it('a restricted upper layer (business hours) wins inside its hours only', () => {
    const layered = OnCallScheduleSpecSchema.parse({
      ...daily,
      layers: [...daily.layers, { name: 'office', rotation: 'weekly', handoff_time: '09:00', start_date: '2027-01-04', users: ['ops-desk'], restriction: { start: '09:00', end: '17:00' } }],
    });
    expect(whoIsOnCall(layered, [], at('2027-02-03T17:00:00Z'))).toEqual({ user: 'ops-desk', source: 'office' }); // 12:00 EST
    expect(whoIsOnCall(layered, [], at('2027-02-04T01:00:00Z')).source).toBe('follow-the-day'); // 20:00 EST
    expect(iso(nextHandoff(layered, [], at('2027-02-03T17:00:00Z'))!.at)).toBe('2027-02-03T22:00:00.000Z'); // 17:00 EST
  });

  it('refuses bad schedules: unknown zone, impossible date, bad clock', () => {
    expect(OnCallScheduleSpecSchema.safeParse({ ...daily, time_zone: 'Mars/Olympus' }).success).toBe(false);
    expect(OnCallScheduleSpecSchema.safeParse({ ...daily, layers: [{ ...daily.layers[0], start_date: '2027-02-30' }] }).success).toBe(false);
    expect(OnCallScheduleSpecSchema.safeParse({ ...daily, layers: [{ ...daily.layers[0], handoff_time: '24:00' }] }).success).toBe(false);
  });
});

describe('on-call API', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
  });

  const scheduleBody = {
    name: 'primary',
    time_zone: NY,
    layers: [{ name: 'follow-the-day', rotation: 'daily', handoff_time: '09:00', start_date: '2027-01-04', users: ['ana', 'bo', 'cy'] }],
  };

  it('admin creates a schedule; any key of the tenant asks who is on call now and next; overrides apply', async () => {
    const admin = await platform.newTenant('oncall', { role: 'admin' });
    const created = await platform.call('/v1/ops/oncall/schedules', { method: 'POST', key: admin.key, body: scheduleBody });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'oncall_schedule', name: 'primary', time_zone: NY });
    const id = created.body.id as string;

    const member = await platform.call(`/v1/admin/tenants/${admin.tenantId}/keys`, { method: 'POST', key: admin.key, body: { name: 'dev' } });
    expect(member.status).toBe(201);
    const memberKey = member.body.key as string;

    const now = await platform.call(`/v1/ops/oncall?at=${encodeURIComponent('2027-03-13T15:00:00Z')}`, { key: memberKey });
    expect(now.status).toBe(200);
    expect(now.body.data).toHaveLength(1);
    expect(now.body.data[0]).toMatchObject({ schedule_id: id, now: { source: 'follow-the-day' }, next: { at: '2027-03-14T13:00:00.000Z' } });
    const current = now.body.data[0].now.user as string;

    const override = await platform.call(`/v1/ops/oncall/schedules/${id}/overrides`, { method: 'POST', key: admin.key, body: { user: 'sub', start: '2027-03-13T16:00:00Z', end: '2027-03-13T18:00:00Z' } });
    expect(override.status).toBe(201);
    const during = await platform.call(`/v1/ops/oncall?schedule_id=${id}&at=2027-03-13T17:00:00Z`, { key: admin.key });
    expect(during.body.data[0]).toMatchObject({ now: { user: 'sub', source: 'override' }, next: { at: '2027-03-13T18:00:00.000Z', user: current } });
    const before = await platform.call(`/v1/ops/oncall?at=2027-03-13T15:00:00Z`, { key: admin.key });
    expect(before.body.data[0].next).toMatchObject({ at: '2027-03-13T16:00:00.000Z', user: 'sub', source: 'override' });

    // Writes need an admin key; the identity comes from the key, never the body.
    expect((await platform.call('/v1/ops/oncall/schedules', { method: 'POST', key: memberKey, body: { ...scheduleBody, name: 'x' } })).status).toBe(403);
    // Another tenant sees nothing of it.
    const other = await platform.newTenant('oncall-other', { role: 'admin' });
    expect((await platform.call(`/v1/ops/oncall/schedules/${id}`, { key: other.key })).status).toBe(404);
    expect((await platform.call('/v1/ops/oncall', { key: other.key })).body.data).toEqual([]);

    // Escalation policies: levels with time-outs, targets must exist in the tenant.
    const policy = await platform.call('/v1/ops/oncall/escalation-policies', {
      method: 'POST',
      key: admin.key,
      body: { name: 'default', levels: [{ targets: [{ type: 'schedule', id }], timeout_minutes: 15 }, { targets: [{ type: 'user', id: 'lead' }], timeout_minutes: 30 }] },
    });
    expect(policy.status).toBe(201);
    expect(policy.body).toMatchObject({ object: 'escalation_policy', repeat: 0 });
    const foreign = await platform.call('/v1/ops/oncall/escalation-policies', { method: 'POST', key: other.key, body: { name: 'steal', levels: [{ targets: [{ type: 'schedule', id }], timeout_minutes: 5 }] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('validation_failed');

    expect((await platform.call(`/v1/ops/oncall/schedules/${id}`, { method: 'DELETE', key: admin.key })).status).toBe(200);
    expect((await platform.call(`/v1/ops/oncall/schedules/${id}`, { key: admin.key })).status).toBe(404);
  }, 60_000);

  it('the CLI: oncall now, schedules, override (and a bad --for is a usage error, exit 2)', async () => {
    const admin = await platform.newTenant('oncall-cli', { role: 'admin' });
    const id = (await platform.call('/v1/ops/oncall/schedules', { method: 'POST', key: admin.key, body: scheduleBody })).body.id as string;
    const home = mkdtempSync(join(tmpdir(), 'soma-oncall-cli-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SOMAAGENT_CONFIG: join(home, 'config.json'), SOMAAGENT_API_KEY: admin.key, SOMAAGENT_BASE_URL: platform.apiUrl, NO_COLOR: '1' };
    // A child process, asynchronously: the API it calls runs in this process.
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [fileURLToPath(new URL('../cli/bin/somaagent.mjs', import.meta.url)), ...args], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end();
      });
    const override = await cli('oncall', 'override', '--schedule', id, '--user', 'sub', '--start', '2027-03-13T16:00:00Z', '--for', '2h', '--json');
    expect(override.code, override.stderr).toBe(0);
    expect(JSON.parse(override.stdout)).toMatchObject({ user: 'sub', end: '2027-03-13T18:00:00.000Z' });
    const now = await cli('oncall', 'now', '--at', '2027-03-13T17:00:00Z', '--json');
    expect(now.code, now.stderr).toBe(0);
    expect(JSON.parse(now.stdout).data[0]).toMatchObject({ schedule_id: id, now: { user: 'sub', source: 'override' } });
    const table = await cli('oncall', 'now', '--at', '2027-03-13T17:00:00Z');
    expect(table.stdout).toContain('sub');
    const list = await cli('oncall', 'schedules', '--json');
    expect(JSON.parse(list.stdout).data.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await cli('oncall', 'override', '--schedule', id, '--user', 'x', '--for', '5x')).code).toBe(2);
  }, 60_000);

  it('bad input is a 4xx with a code, never a 500', async () => {
    const admin = await platform.newTenant('oncall-bad', { role: 'admin' });
    const post = (body: unknown) => platform.call('/v1/ops/oncall/schedules', { method: 'POST', key: admin.key, body });
    for (const body of [
      { ...scheduleBody, time_zone: 'Mars/Olympus' },
      { ...scheduleBody, layers: [] },
      { ...scheduleBody, layers: [{ ...scheduleBody.layers[0], handoff_time: '9am' }] },
      { ...scheduleBody, layers: [{ ...scheduleBody.layers[0], start_date: '2027-02-30' }] },
      { ...scheduleBody, tenant_id: 'someone-else' },
    ]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect((await post(scheduleBody)).status).toBe(201);
    const dup = await post(scheduleBody);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('name_taken');
    expect((await platform.call('/v1/ops/oncall?at=yesterday', { key: admin.key })).status).toBe(400);
    expect((await platform.call('/v1/ops/oncall/schedules/not-an-id', { key: admin.key })).status).toBe(404);
    const id = (await platform.call('/v1/ops/oncall/schedules', { key: admin.key })).body.data[0].id as string;
    const backwards = await platform.call(`/v1/ops/oncall/schedules/${id}/overrides`, { method: 'POST', key: admin.key, body: { user: 'x', start: '2027-01-02T00:00:00Z', end: '2027-01-01T00:00:00Z' } });
    expect(backwards.status).toBe(400);
  }, 60_000);
});

describe('on-call rotation and PagerDuty (emulator over TLS, @pagerduty/pdjs)', () => {
  let platform: TestPlatform;
  let pd: PagerDutyEmulator;
  let tls: SelfSignedCert;
  const routingKey = 'R0UT1NGKEY0123456789abcdefABCDEF';
  const webhookToken = `webhook-${newId('w', 12)}`;
  beforeAll(async () => {
    tls = selfSignedCert();
    pd = await createPagerDutyEmulator({ cert: tls.cert, key: tls.key, apiToken: 'pd-token' });
    platform = await startTestPlatform({
      env: {
        PAGERDUTY_ROUTING_KEY: routingKey,
        PAGERDUTY_API_TOKEN: 'pd-token',
        PAGERDUTY_EVENTS_SERVER: pd.server,
        PAGERDUTY_API_SERVER: pd.server,
        PAGERDUTY_CA_FILE: tls.certFile,
        SOMA_ALERT_WEBHOOK_TOKEN: webhookToken,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    await pd?.close();
  });

  it('a triggered rotation schedule announces a handoff once: change event + override on the linked PagerDuty schedule', async () => {
    const admin = await platform.newTenant('rotation', { role: 'admin' });
    // A daily UTC rotation whose handoff was two minutes ago, on its second day: ana → bo.
    const handoff = new Date(Math.floor((Date.now() - 2 * 60_000) / 60_000) * 60_000);
    const hhmm = handoff.toISOString().slice(11, 16);
    const yesterday = new Date(handoff.getTime() - 86_400_000).toISOString().slice(0, 10);
    const pdSchedule = `PS${newId('x', 6).replace(/[^A-Za-z0-9]/g, '')}`;
    const created = await platform.call('/v1/ops/oncall/schedules', {
      method: 'POST',
      key: admin.key,
      body: {
        name: 'rota',
        time_zone: 'UTC',
        layers: [{ name: 'daily', rotation: 'daily', handoff_time: hhmm, start_date: yesterday, users: ['ana', 'bo'] }],
        pagerduty_schedule_id: pdSchedule,
        pagerduty_user_ids: { ana: 'PANA', bo: 'PBO' },
      },
    });
    expect(created.status).toBe(201);

    const scheduleId = `test-rotation-${newId('s', 6)}`;
    expect((await ensureOnCallRotationSchedule({ client: platform.client, taskQueue: platform.env.TEMPORAL_TASK_QUEUE, scheduleId, intervalSeconds: 300 })).created).toBe(true);
    const schedule = platform.client.schedule.getHandle(scheduleId);
    const runOnce = async (): Promise<AnnouncedHandoff[]> => {
      const before = (await schedule.describe()).info.recentActions.length;
      await schedule.trigger();
      for (let i = 0; i < 100; i++) {
        const actions = (await schedule.describe()).info.recentActions;
        if (actions.length > before) {
          const { workflowId, firstExecutionRunId } = actions.at(-1)!.action.workflow;
          return (await platform.client.workflow.getHandle(workflowId, firstExecutionRunId).result()) as AnnouncedHandoff[];
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the schedule did not start a run');
    };
    try {
      const first = (await runOnce()).filter((h) => h.tenantId === admin.tenantId);
      expect(first).toEqual([expect.objectContaining({ schedule: 'rota', at: handoff.toISOString(), from: 'ana', to: 'bo' })]);
      expect(first[0]!.pagerduty).toMatch(/^override:P/);
      const change = pd.changeEvents.filter((e) => e.payload.summary.includes('rota'));
      expect(change).toHaveLength(1);
      expect(change[0]!.payload.summary).toContain('ana → bo');
      const override = pd.overrides.filter((o) => o.schedule_id === pdSchedule);
      expect(override).toEqual([expect.objectContaining({ start: handoff.toISOString(), end: new Date(handoff.getTime() + 86_400_000).toISOString(), user: { id: 'PBO', type: 'user_reference' } })]);

      // Again: nothing new is announced or sent.
      expect((await runOnce()).filter((h) => h.tenantId === admin.tenantId)).toEqual([]);
      expect(pd.changeEvents.filter((e) => e.payload.summary.includes('rota'))).toHaveLength(1);
      expect(pd.overrides.filter((o) => o.schedule_id === pdSchedule)).toHaveLength(1);
    } finally {
      await schedule.delete();
    }
  }, 120_000);

  it('a page-severity alert group pages the on-call once and resolves the incident with the group; a ticket never pages', async () => {
    // An SLO name of its own: the Temporal server is shared by every test file, and
    // test/ops-alerts.test.ts expects no api-availability page before it breaks the API.
    const group = (severity: string, status: 'firing' | 'resolved', groupKey: string) => ({
      version: '4',
      groupKey,
      truncatedAlerts: 0,
      status,
      receiver: 'somaagent',
      groupLabels: { slo: 'oncall-paging-test', severity },
      commonLabels: { alertname: 'SloBurn', slo: 'oncall-paging-test', severity, runbook_url: 'https://runbooks.test/slo#sloburn' },
      commonAnnotations: { summary: 'error budget burning' },
      externalURL: 'http://alertmanager.test',
      alerts: [{ status, labels: { alertname: 'SloBurn', slo: 'oncall-paging-test', severity }, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: `f-${severity}` }],
    });
    const send = async (body: ReturnType<typeof group>) => {
      const res = await platform.call('/v1/ops/alerts', { key: webhookToken, body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    };
    const pageKey = `{}:{slo="oncall-paging-test",severity="page",t="${Date.now()}"}`;
    const ticketKey = `{}:{slo="oncall-paging-test",severity="ticket",t="${Date.now()}"}`;
    const pageRun = alertWorkflowId(pageKey);
    const ticketRun = alertWorkflowId(ticketKey);
    await send(group('page', 'firing', pageKey));
    await send(group('page', 'firing', pageKey)); // Alertmanager's repeat: no second page
    await send(group('ticket', 'firing', ticketKey));
    await vi.waitFor(() => expect(pd.incidents.get(pageRun)).toMatchObject({ status: 'triggered', severity: 'critical' }), { timeout: 30_000, interval: 250 });
    expect(pd.incidents.get(pageRun)!.summary).toContain('SloBurn (SLO oncall-paging-test)');
    expect(pd.events.filter((e) => e.dedup_key === pageRun && e.event_action === 'trigger')).toHaveLength(1);

    await send(group('page', 'resolved', pageKey));
    await send(group('ticket', 'resolved', ticketKey));
    const state = (await platform.client.workflow.getHandle(pageRun).result()) as AlertRunState;
    expect(state.timeline.map((e) => e.event)).toEqual(['fired', 'paged', 'alert_resolved', 'group_resolved', 'page_resolved']);
    expect(pd.incidents.get(pageRun)!.status).toBe('resolved');
    await platform.client.workflow.getHandle(ticketRun).result();
    expect(pd.incidents.has(ticketRun)).toBe(false);
  }, 90_000);

  it('pages through the Events API v2 (trigger, dedup, resolve); a refused key fails for good; TLS is verified', async () => {
    const config = { routingKey, apiToken: 'pd-token', eventsServer: pd.server, apiServer: pd.server, ca: tls.cert };
    const activities = createOnCallActivities({ store: createOnCallStore(platform.pool), pagerDuty: createPagerDuty(config) });
    const dedupKey = `alert-${newId('a', 8)}`;
    const page = { action: 'trigger' as const, dedupKey, summary: 'p95 latency anomaly on gpt-4o-mini', source: 'somaagent', severity: 'error' as const };
    expect(await activities.pageOnCall(page)).toEqual({ dedupKey, sent: true });
    await activities.pageOnCall(page);
    expect(pd.incidents.get(dedupKey)).toMatchObject({ status: 'triggered', severity: 'error' });
    await activities.pageOnCall({ ...page, action: 'resolve' });
    expect(pd.incidents.get(dedupKey)!.status).toBe('resolved');

    const refused = createOnCallActivities({ store: createOnCallStore(platform.pool), pagerDuty: createPagerDuty({ ...config, routingKey: 'too-short' }) });
    const failure = await refused.pageOnCall(page).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).not.toContain('too-short');

    // Without the emulator's CA the certificate is not trusted: checks are on.
    const untrusted = createPagerDuty({ ...config, ca: undefined });
    await expect(untrusted.page(page)).rejects.toThrow();
  }, 60_000);
});
