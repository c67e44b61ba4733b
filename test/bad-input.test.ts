import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform({ env: { MAX_BODY_BYTES: '4096' } });
  t = await p.newTenant();
});
afterAll(async () => p?.close());

const valid = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

async function expectClientError(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.request_id).toBeTruthy();
}

describe('bad input gets a 4xx with a machine-readable error', () => {
  it('invalid JSON', async () => {
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: '{"model": "gpt-4o-mini", ' }), 400, 'invalid_json');
  });

  it('a body that is not JSON', async () => {
    await expectClientError(
      await p.call('/v1/completions', { key: t.key, body: 'model=gpt', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
  });

  it('missing fields, wrong types and extra fields, all reported at once', async () => {
    const res = await p.call('/v1/completions', {
      key: t.key,
      body: { messages: [{ role: 'robot', content: 5 }], temperature: 'hot', surprise: true },
    });
    await expectClientError(res, 400, 'validation_failed');
    // No model is not a validation problem: the tenant's default policy may supply one.
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['messages.0.role', 'messages.0.content', 'temperature']));
    expect(res.body.error.details.some((d: { code: string }) => d.code === 'unrecognized_keys')).toBe(true);
  });

  it('an empty message list and out-of-range parameters', async () => {
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: { ...valid, messages: [] } }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: { ...valid, max_tokens: 0 } }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: { ...valid, temperature: 9 } }), 400, 'validation_failed');
  });

  it('a JSON value that is not an object', async () => {
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: '[1,2,3]' }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: '"text"' }), 400, 'invalid_json');
  });

  it('an oversized body', async () => {
    const big = { ...valid, messages: [{ role: 'user', content: 'x'.repeat(10_000) }] };
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: big }), 413, 'payload_too_large');
  });

  it('unknown routes and methods', async () => {
    await expectClientError(await p.call('/v1/nothing-here', { key: t.key }), 404, 'route_not_found');
    await expectClientError(await p.call('/nope'), 404, 'route_not_found');
    await expectClientError(await p.call('/v1/completions', { key: t.key, method: 'GET' }), 404, 'route_not_found');
  });

  it('bad query strings and handler names', async () => {
    await expectClientError(await p.call('/v1/runs?limit=abc', { key: t.key }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/runs?colour=red', { key: t.key }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/runs/completion-x-y/query/bad%20name', { key: t.key, body: {} }), 400, 'invalid_handler_name');
  });

  it('a bad admin body', async () => {
    await expectClientError(await p.call('/v1/admin/tenants', { key: p.adminKey, body: { name: '' } }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/admin/tenants', { key: p.adminKey, body: { name: 'x', id: 'chosen' } }), 400, 'validation_failed');
  });

  it('the server is still healthy after all of that', async () => {
    expect((await p.call('/v1/completions', { key: t.key, body: valid })).status).toBe(200);
  });
});
