import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_TIMELINE_QUERY, type AlertRunState } from '../core/ops/alert-types.ts';
import { alertWorkflowId, createAlertIntake } from '../core/ops/alert-intake.ts';
import { startMonitoringLoop, type MonitoringLoop } from '../tooling/stack/monitoring-loop.ts';
import { freePort } from './support/free-port.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * The alert loop against real engines: the API fails (the provider emulator answers 500s) →
 * Prometheus evaluates the generated SLO rules (windows scaled 1/30, as bench:detect) and fires
 * → Alertmanager routes and groups → POST /v1/ops/alerts → an `alert` run; the fault goes → the
 * alert resolves → the run completes with its timeline.
 */
const token = randomBytes(24).toString('base64url');
let p: TestPlatform;
let loop: MonitoringLoop;
let traffic = true;
let failing = false;
let trafficDone: Promise<void>;

const webhookBody = (status: 'firing' | 'resolved', groupKey = `{}:{slo="test-${Date.now()}"}`) => ({
  version: '4',
  groupKey,
  truncatedAlerts: 0,
  status,
  receiver: 'somaagent',
  groupLabels: { slo: 'synthetic', severity: 'page' },
  commonLabels: { alertname: 'SyntheticBurn', slo: 'synthetic', severity: 'page' },
  commonAnnotations: { summary: 'test' },
  externalURL: 'http://alertmanager.test',
  alerts: [{ status, labels: { alertname: 'SyntheticBurn', slo: 'synthetic', severity: 'page' }, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f00d' }],
});

async function sendTraffic(): Promise<void> {
  // Cheap good requests (a 404 is not the API failing) and completions, which fail while the
  // emulator answers 500s: about a fifth of the requests are 5xx during the fault.
  while (traffic) {
    await Promise.all([
      p.call('/v1/runs/completion-x-nothing', { key: p.adminKey }),
      p.call('/v1/models', { key: p.adminKey }),
      p.call('/v1/completions', { key: p.adminKey, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } }),
    ]);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SOMAAGENT_')));
    const child = spawn(process.execPath, [join('cli', 'bin', 'somaagent.mjs'), ...args], {
      env: { ...clean, HOME: mkdtempSync(join(tmpdir(), 'soma-cli-home-')), NO_COLOR: '1', ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

async function alertRuns(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const run of p.client.workflow.list({ query })) ids.push(run.workflowId);
  return ids;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  const [prometheusPort, alertmanagerPort] = [await freePort(), await freePort()];
  p = await startTestPlatform({
    env: {
      SOMA_ALERT_WEBHOOK_TOKEN: token,
      PROMETHEUS_URL: `http://127.0.0.1:${prometheusPort}`,
      // One attempt per completion: a failing provider fails the request at once.
      PROVIDER_MAX_ATTEMPTS: '1',
      // Breaker state lives in the database every test file shares: this suite's minutes of
      // failing gpt-4o-mini calls must not open its breaker for the others (test/bad-input got
      // 503 circuit_open). The failures stay 5xx, which is what the SLO needs.
      BREAKER_FAILURE_THRESHOLD: '1000',
    },
  });
  loop = await startMonitoringLoop({
    dir: mkdtempSync(join(tmpdir(), 'soma-ops-')),
    apiUrl: p.apiUrl,
    webhookToken: token,
    prometheusPort,
    alertmanagerPort,
    windowScale: 1 / 30,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    routing: { groupWait: '1s', groupInterval: '2s', pageRepeatInterval: '1m', ticketRepeatInterval: '1m' },
  });
  trafficDone = sendTraffic();
}, 120_000);

afterAll(async () => {
  traffic = false;
  await trafficDone;
  await loop?.stop();
  await p?.close();
});

describe('POST /v1/ops/alerts (the Alertmanager webhook)', () => {
  it('refuses a missing or wrong bearer (401), and an API key is not the webhook credential', async () => {
    const none = await p.call('/v1/ops/alerts', { body: webhookBody('firing') });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('invalid_webhook_credential');
    const wrong = await p.call('/v1/ops/alerts', { key: `${token}x`, body: webhookBody('firing') });
    expect(wrong.status).toBe(401);
    const adminKey = await p.call('/v1/ops/alerts', { key: p.adminKey, body: webhookBody('firing') });
    expect(adminKey.status).toBe(401);
  });

  it('refuses what is not an Alertmanager v4 payload with 400 and every problem', async () => {
    for (const body of [{}, { ...webhookBody('firing'), version: '3' }, { ...webhookBody('firing'), alerts: [] }, { ...webhookBody('firing'), status: 'burning' }, 'not json']) {
      const res = await p.call('/v1/ops/alerts', { key: token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toMatch(/validation_failed|invalid_json/);
    }
  });

  it('one group is one run: firing starts it, a repeat signals it, resolved ends it with the timeline', async () => {
    const groupKey = `{}:{slo="api-availability",severity="page",test="${Date.now()}"}`;
    const first = await p.call('/v1/ops/alerts', { key: token, body: webhookBody('firing', groupKey) });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ workflow_id: alertWorkflowId(groupKey), action: 'started' });
    const again = await p.call('/v1/ops/alerts', { key: token, body: webhookBody('firing', groupKey) });
    expect(again.body.action).toBe('signalled');
    const resolved = await p.call('/v1/ops/alerts', { key: token, body: webhookBody('resolved', groupKey) });
    expect(resolved.body.action).toBe('signalled');
    const state = (await p.client.workflow.getHandle(alertWorkflowId(groupKey)).result()) as AlertRunState;
    expect(state.status).toBe('resolved');
    expect(state.updates).toBe(3);
    expect(state.timeline.map((e) => e.event)).toEqual(['fired', 'alert_resolved', 'group_resolved']);
    // A resolution of a group with no open run has nothing to end.
    const { version: _v, truncatedAlerts: _t, receiver: _r, externalURL: _e, ...update } = webhookBody('resolved', `${groupKey}-none`);
    const stray = await createAlertIntake({ client: p.client, taskQueue: p.env.TEMPORAL_TASK_QUEUE }).raise({ ...update, source: 'test' });
    expect(stray.action).toBe('ignored');
    await expect(p.client.workflow.getHandle(alertWorkflowId(`${groupKey}-none`)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('the loop: Prometheus → Alertmanager → webhook → alert run', () => {
  it('a failing API pages as an alert run (SomaKind=alert, SomaSlo, SomaSeverity) that ends when the fault goes', async () => {
    const pageQuery = `SomaKind = 'alert' AND SomaSlo = 'api-availability' AND SomaSeverity = 'page'`;
    expect(await alertRuns(pageQuery)).toEqual([]);
    // Healthy traffic first, so the SLIs have a baseline; no alert while it is healthy.
    await new Promise((r) => setTimeout(r, 8000));
    expect(await alertRuns(`${pageQuery} AND ExecutionStatus = 'Running'`)).toEqual([]);

    failing = true;
    p.emulator.injectFault({ status: 500, count: 1_000_000 });
    const injectedAt = Date.now();
    const [workflowId] = await waitFor('the page-level alert run', async () => {
      const ids = await alertRuns(`${pageQuery} AND ExecutionStatus = 'Running'`);
      return ids.length > 0 ? ids : undefined;
    }, 120_000);
    const detectedS = (Date.now() - injectedAt) / 1000;
    expect(detectedS).toBeLessThan(60);
    const handle = p.client.workflow.getHandle(workflowId!);
    const firing = await handle.query<AlertRunState>(ALERT_TIMELINE_QUERY);
    expect(firing.status).toBe('firing');
    expect(firing.source).toBe('alertmanager');
    expect(firing.slo).toBe('api-availability');
    expect(firing.severity).toBe('page');
    expect(firing.commonLabels.runbook_url).toBe('docs/runbooks/slo-violations.md#apiavailabilitybudgetburn');

    // While it burns, the status endpoint reads the same rules from Prometheus.
    const status = await waitFor('the page in GET /v1/ops/slos', async () => {
      const res = await p.call('/v1/ops/slos', { key: p.adminKey });
      const slo = res.body.data?.find((s: { name: string }) => s.name === 'api-availability');
      return slo?.alerts_firing.some((a: { severity: string }) => a.severity === 'page') ? slo : undefined;
    }, 30_000);
    expect(status.objective).toBe(99.9);
    expect(status.burn_rates['5m']).toBeGreaterThan(14.4);
    expect(status.sli_now).toBeLessThan(0.999);
    // The CLI shows the same, through the SDK's raw request.
    const cli = await runCli(['slo', 'status'], { SOMAAGENT_API_KEY: p.adminKey, SOMAAGENT_BASE_URL: p.apiUrl });
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/api-availability\s+99\.9% \/ 30d.*page/);

    // The fault goes: the short windows clear, Alertmanager sends "resolved", the run ends.
    p.emulator.reset();
    failing = false;
    const result = (await Promise.race([
      handle.result(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the alert run did not end within 150 s of the fix')), 150_000)),
    ])) as AlertRunState;
    expect(result.status).toBe('resolved');
    expect(result.timeline[0]!.event).toBe('fired');
    expect(result.timeline.at(-1)!.event).toBe('group_resolved');
  }, 330_000);
});

describe('the metrics the SLIs read', () => {
  it('are on /metrics: run outcomes by workflow, provider attempts by error class, time to first token', async () => {
    // Time to first token is measured on streamed attempts.
    const streamed = await p.call('/v1/completions', { key: p.adminKey, body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    expect(streamed.status).toBe(200);
    const metrics = (await p.call('/metrics')).body as string;
    // Counted once per run by the workflow interceptor; the fault above failed some completions.
    expect(metrics).toMatch(/somaagent_workflow_runs_total\{workflow="completion",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/somaagent_workflow_runs_total\{workflow="completion",outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/somaagent_workflow_runs_total\{workflow="alert",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/somaagent_provider_attempts_total\{provider="openai",status="ok",error_class=""\} [1-9]/);
    expect(metrics).toMatch(/somaagent_provider_attempts_total\{provider="openai",status="error",error_class="server_error"\} [1-9]/);
    expect(metrics).toMatch(/somaagent_model_time_to_first_token_seconds_bucket\{le="1",provider="openai"\} [1-9]/);
  });
});

describe('GET /v1/ops/slos', () => {
  it('is for admin keys only (SLOs are platform-wide)', async () => {
    const t = await p.newTenant('ops-tenant');
    const res = await p.call('/v1/ops/slos', { key: t.key });
    expect(res.status).toBe(403);
    expect((await p.call('/v1/ops/slos')).status).toBe(401);
  });

  it('lists every SLO with objective, budget, burn rates and the alert policy', async () => {
    const res = await p.call('/v1/ops/slos', { key: p.adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { name: string }) => s.name)).toContain('openai-availability');
    const api = res.body.data.find((s: { name: string }) => s.name === 'api-availability');
    expect(api.error_budget).toBe(0.001);
    expect(Object.keys(api.burn_rates)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(api.alert_policy).toContainEqual({ severity: 'page', factor: 14.4, long_window: '1h', short_window: '5m' });
    expect(failing).toBe(false);
  });
});

describe('somaagent slo calc', () => {
  it('answers what 99.95% over 28 days allows, and the burn rates that page', async () => {
    const res = await runCli(['slo', 'calc', '--objective', '99.95', '--window', '28d', '--json'], {});
    expect(res.code, res.output).toBe(0);
    const calc = JSON.parse(res.output);
    expect(calc.error_budget).toBe(0.0005);
    expect(calc.budget_minutes).toBe(20.16);
    expect(calc.bad_requests_allowed).toBe(500);
    expect(calc.burn_rates[0]).toMatchObject({ severity: 'page', burn_rate: 13.44, long_window: '1h', short_window: '5m' });
    // Over 30 days the policy is the SRE Workbook's own numbers, as in the shipped rules.
    const thirty = JSON.parse((await runCli(['slo', 'calc', '--objective', '99.9', '--json'], {})).output);
    expect(thirty.burn_rates.map((b: { burn_rate: number }) => b.burn_rate)).toEqual([14.4, 6, 3, 1]);
    expect(thirty.budget_minutes).toBe(43.2);
    const bad = await runCli(['slo', 'calc', '--objective', '100', '--window', '28d'], {});
    expect(bad.code).toBe(2);
    expect(bad.output).toContain('--objective must be a percentage');
  });
});
