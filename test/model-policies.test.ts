import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('policies');
});
afterAll(async () => p?.close());

const messages = [{ role: 'user', content: 'hello policy' }];

describe('model policies', () => {
  it('saves, lists, reads and deletes a policy', async () => {
    const put = await p.call('/v1/policies/cheap-chain', { key: t.key, method: 'PUT', body: { models: ['gpt-4o-mini', 'claude-haiku-4-5'], parameters: { max_tokens: 64 } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ object: 'policy', name: 'cheap-chain', models: ['gpt-4o-mini', 'claude-haiku-4-5'], parameters: { max_tokens: 64 }, default: false });
    expect((await p.call('/v1/policies', { key: t.key })).body.data.map((x: { name: string }) => x.name)).toContain('cheap-chain');
    expect((await p.call('/v1/policies/cheap-chain', { key: t.key })).body.models).toHaveLength(2);
    expect((await p.call('/v1/policies/cheap-chain', { key: t.key, method: 'DELETE' })).status).toBe(200);
    expect((await p.call('/v1/policies/cheap-chain', { key: t.key })).status).toBe(404);
  });

  it('runs a completion through a named policy, and the request’s own settings win', async () => {
    await p.call('/v1/policies/claude', { key: t.key, method: 'PUT', body: { model: 'claude-haiku-4-5', parameters: { max_tokens: 3 } } });
    const res = await p.call('/v1/completions', { key: t.key, body: { policy: 'claude', messages } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: 'claude-haiku-4-5', policy: 'claude', finish_reason: 'length' });
    expect(res.body.usage.output_tokens).toBe(3);
    const longer = await p.call('/v1/completions', { key: t.key, body: { policy: 'claude', messages, max_tokens: 200 } });
    expect(longer.body.finish_reason).toBe('stop');
  });

  it('uses the tenant default when a request names no model, and says how to set one when there is none', async () => {
    const other = await p.newTenant('no default');
    const none = await p.call('/v1/completions', { key: other.key, body: { messages } });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ error: { code: 'model_required' } });

    await p.call('/v1/policies/everyday', { key: t.key, method: 'PUT', body: { model: 'auto', routing: { quality_floor: 0.5 }, default: true } });
    const res = await p.call('/v1/completions', { key: t.key, body: { messages } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ requested_model: 'auto', policy: 'everyday' });
    expect(res.body.routing.policy).toBe('auto');

    // Another default takes over; there is only ever one.
    await p.call('/v1/policies/claude', { key: t.key, method: 'PUT', body: { model: 'claude-haiku-4-5', default: true } });
    const list = (await p.call('/v1/policies', { key: t.key })).body.data as Array<{ name: string; default: boolean }>;
    expect(list.filter((x) => x.default).map((x) => x.name)).toEqual(['claude']);
    // Policies are the tenant's own.
    expect((await p.call('/v1/policies/claude', { key: other.key })).status).toBe(404);
  });

  it('refuses bad policies and bad references with clear errors', async () => {
    const both = await p.call('/v1/policies/x', { key: t.key, method: 'PUT', body: { model: 'gpt-4o-mini', models: ['gpt-4o-mini'] } });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('validation_failed');
    const unknown = await p.call('/v1/policies/x', { key: t.key, method: 'PUT', body: { model: 'no-such-model' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('model_not_found');
    expect((await p.call('/v1/policies/Bad%20Name', { key: t.key, method: 'PUT', body: { model: 'auto' } })).body.error.code).toBe('invalid_policy_name');
    const missing = await p.call('/v1/completions', { key: t.key, body: { policy: 'nope', messages } });
    expect(missing.body.error.code).toBe('policy_not_found');
    const twice = await p.call('/v1/completions', { key: t.key, body: { policy: 'claude', model: 'gpt-4o-mini', messages } });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toContain('exactly_one_of');
  });
});
