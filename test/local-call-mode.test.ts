import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform({ env: { MODEL_CALL_MODE: 'local', PROVIDER_MAX_ATTEMPTS: '3' } });
  t = await p.newTenant();
});
afterAll(async () => p?.close());

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'local mode' }] };

describe('MODEL_CALL_MODE=local', () => {
  it('runs the model call as a local activity: one workflow task, no activity events', async () => {
    const res = await p.call('/v1/completions', { key: t.key, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ simulated: true, attempts: 1 });
    const history = await p.client.workflow.getHandle(res.body.id).fetchHistory();
    const events = history.events ?? [];
    expect(events.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
    // Two local activities: the model call and the completion record.
    expect(events.filter((e) => e.markerRecordedEventAttributes).length).toBe(2);
  });

  it('still retries retryable faults and falls through the chain', async () => {
    p.emulator.injectFault({ status: 500, count: 1 });
    const retried = await p.call('/v1/completions', { key: t.key, body });
    expect(retried.status).toBe(200);
    expect(retried.body.attempts).toBe(2);
    p.emulator.injectFault({ status: 400, count: 1 });
    const refused = await p.call('/v1/completions', { key: t.key, body });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('provider_rejected');

    // A local activity's failure reaches the workflow unwrapped; the chain must still see its class.
    p.emulator.injectFault({ status: 503, count: 3, model: 'gpt-4.1' });
    const fellBack = await p.call('/v1/completions', { key: t.key, body: { ...body, model: undefined, models: ['gpt-4.1', 'gpt-4.1-mini'] } });
    expect(fellBack.status).toBe(200);
    expect(fellBack.body.model).toBe('gpt-4.1-mini');
    expect(fellBack.body.attempt_history[0]).toMatchObject({ model: 'gpt-4.1', outcome: 'failed', error: 'overloaded', attempts: 3 });
  });

  it('keeps background runs on a regular activity, so their status stays queryable', async () => {
    p.emulator.configure({ latencyMs: 1000 });
    try {
      const started = await p.call('/v1/completions', { key: t.key, body: { ...body, background: true } });
      expect(started.status).toBe(202);
      const q = await p.call(`/v1/runs/${started.body.id}/query/status`, { key: t.key, body: {} });
      expect(q.body.result.stage).toBe('calling_model');
      await p.client.workflow.getHandle(started.body.id).result();
    } finally {
      p.emulator.configure({ latencyMs: 0 });
    }
  });
});
