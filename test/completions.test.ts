import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let tenant: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  tenant = await p.newTenant('acme');
});
afterAll(async () => p?.close());

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there, platform' }] };

describe('POST /v1/completions (the vertical slice)', () => {
  it('runs a completion through Temporal and the OpenAI SDK to the emulator', async () => {
    const res = await p.call('/v1/completions', { key: tenant.key, body: hello });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'completion',
      model: 'gpt-4o-mini',
      provider: 'openai',
      finish_reason: 'stop',
      simulated: true,
      attempts: 1,
    });
    expect(res.body.text).toMatch(/^\[simulated\] /);
    expect(res.body.usage.input_tokens).toBeGreaterThan(0);
    expect(res.body.usage.output_tokens).toBeGreaterThan(0);
    expect(res.body.id).toMatch(new RegExp(`^completion-${tenant.tenantId}-`));
    expect(res.headers.get('x-request-id')).toBeTruthy();

    const run = await p.call(`/v1/runs/${res.body.id}`, { key: tenant.key });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: res.body.id, kind: 'completion', status: 'completed', model: 'gpt-4o-mini' });
    expect(run.body.result.text).toBe(res.body.text);

    const { rows } = await p.pool.query('SELECT tenant_id, status, output_text, attempts, simulated FROM completions WHERE run_id = $1', [res.body.id]);
    expect(rows).toEqual([{ tenant_id: tenant.tenantId, status: 'completed', output_text: res.body.text, attempts: 1, simulated: true }]);
  });

  it('routes claude-* models through the Anthropic SDK', async () => {
    const res = await p.call('/v1/completions', {
      key: tenant.key,
      body: { model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi Claude' }], max_tokens: 50 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-6', simulated: true });
    expect(p.emulator.stats().byModel['claude-sonnet-4-6']).toBeGreaterThanOrEqual(1);
  });

  it('reports max_tokens truncation as finish_reason length', async () => {
    const res = await p.call('/v1/completions', {
      key: tenant.key,
      body: { model: 'gpt-4o-mini', max_tokens: 2, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.finish_reason).toBe('length');
    expect(res.body.usage.output_tokens).toBeLessThanOrEqual(2);
  });

  it('refuses an unknown model before starting any run', async () => {
    const before = p.emulator.stats().total;
    const res = await p.call('/v1/completions', { key: tenant.key, body: { ...hello, model: 'no-such-model' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found' });
    expect(p.emulator.stats().total).toBe(before);
  });

  it('starts in the background and answers the status query', async () => {
    p.emulator.configure({ latencyMs: 1500 });
    try {
      const started = await p.call('/v1/completions', { key: tenant.key, body: { ...hello, background: true } });
      expect(started.status).toBe(202);
      expect(started.headers.get('location')).toBe(`/v1/runs/${started.body.id}`);
      const running = await p.call(`/v1/runs/${started.body.id}`, { key: tenant.key });
      expect(running.body.status).toBe('running');
      const q = await p.call(`/v1/runs/${started.body.id}/query/status`, { key: tenant.key, body: {} });
      expect(q.status).toBe(200);
      expect(q.body.result).toMatchObject({ stage: 'calling_model', provider: 'openai' });
      const done = await p.client.workflow.getHandle(started.body.id).result();
      expect(done).toMatchObject({ simulated: true });
      const after = await p.call(`/v1/runs/${started.body.id}`, { key: tenant.key });
      expect(after.body.status).toBe('completed');
    } finally {
      p.emulator.configure({ latencyMs: 0 });
    }
  });
});

describe('secrets', () => {
  it('keeps API keys out of workflow histories', async () => {
    const res = await p.call('/v1/completions', { key: tenant.key, body: hello });
    const history = await p.client.workflow.getHandle(res.body.id).fetchHistory();
    const text = JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
    expect(text).toContain(tenant.tenantId);
    expect(text).not.toContain(tenant.key);
    expect(text).not.toContain('sk_soma_');
  });
});
