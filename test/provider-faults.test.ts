import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  // Three attempts keep the exhaustion cases short; the policy is the production one otherwise.
  p = await startTestPlatform({ env: { PROVIDER_MAX_ATTEMPTS: '3' } });
  t = await p.newTenant();
});
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

const body = (model = 'gpt-4o-mini') => ({ model, messages: [{ role: 'user', content: 'fault test' }] });

describe('provider faults', () => {
  it('retries a 429 after the Retry-After the provider sent, then succeeds', async () => {
    p.emulator.injectFault({ status: 429, count: 1, retryAfterSeconds: 2 });
    const started = Date.now();
    const res = await p.call('/v1/completions', { key: t.key, body: body() });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.attempts).toBe(2);
    // Our own first backoff is 500 ms; waiting 2 s shows the provider's Retry-After won.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(p.emulator.stats().total).toBe(2);
  });

  it.each([
    [500, 'openai'],
    [529, 'anthropic'],
    [503, 'openai'],
  ])('retries a %i from %s and succeeds', async (status, provider) => {
    p.emulator.injectFault({ status: status as 500 | 503 | 529, count: 1 });
    const res = await p.call('/v1/completions', { key: t.key, body: body(provider === 'anthropic' ? 'claude-haiku-4-5' : 'gpt-4o-mini') });
    expect(res.status).toBe(200);
    expect(res.body.attempts).toBe(2);
  });

  it('retries a connection reset', async () => {
    p.emulator.injectFault({ status: 'reset', count: 1 });
    const res = await p.call('/v1/completions', { key: t.key, body: body() });
    expect(res.status).toBe(200);
    expect(res.body.attempts).toBe(2);
  });

  it('fails fast on a non-retryable 400, with our error shape', async () => {
    p.emulator.injectFault({ status: 400, count: 5 });
    const res = await p.call('/v1/completions', { key: t.key, body: body() });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'provider_rejected' });
    expect(p.emulator.stats().total).toBe(1);
  });

  it('maps a provider 401 (our provider key is wrong) to 502, not to the caller', async () => {
    p.emulator.injectFault({ status: 401, count: 5 });
    const res = await p.call('/v1/completions', { key: t.key, body: body('claude-haiku-4-5') });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ type: 'provider_error', code: 'provider_auth_failed' });
    expect(p.emulator.stats().total).toBe(1);
  });

  it('gives up after the retry budget with the provider error, recorded once', async () => {
    p.emulator.injectFault({ status: 503, count: 10 });
    const res = await p.call('/v1/completions', { key: t.key, body: body() });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ type: 'provider_error', code: 'provider_overloaded' });
    expect(p.emulator.stats().total).toBe(3);
    const runs = await p.call('/v1/runs?limit=5', { key: t.key });
    expect(runs.status).toBe(200);
    const { rows } = await p.pool.query(
      "SELECT error_kind FROM completions WHERE tenant_id = $1 AND status = 'failed'",
      [t.tenantId],
    );
    expect(rows.map((r) => r.error_kind)).toContain('overloaded');
  });
});
