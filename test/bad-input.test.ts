import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  // Big enough for the deeply nested bodies below (a 5,000-deep object is ~25 kB).
  p = await startTestPlatform({ env: { MAX_BODY_BYTES: '65536' } });
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
    const big = { ...valid, messages: [{ role: 'user', content: 'x'.repeat(100_000) }] };
    await expectClientError(await p.call('/v1/completions', { key: t.key, body: big }), 413, 'payload_too_large');
  });

  it('unknown routes and methods', async () => {
    await expectClientError(await p.call('/v1/nothing-here', { key: t.key }), 404, 'route_not_found');
    await expectClientError(await p.call('/nope'), 404, 'route_not_found');
    const wrongMethod = await p.call('/v1/completions', { key: t.key, method: 'GET' });
    await expectClientError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
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

/** fetch refuses TRACE outright, so that one goes through node:http. */
function rawRequest(method: string, path: string, key: string): Promise<{ status: number; headers: Headers; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${p.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers, body: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** JSON text nested this deep (`{"a":{"a":…}}`), written as text: JSON.stringify itself overflows. */
const nested = (depth: number, open: string, close: string, leaf = '1') => open.repeat(depth) + leaf + close.repeat(depth);

describe('input hygiene at the edge (issue 10, finding 6)', () => {
  it('answers queries made only of stop words: keyword finds nothing, dense and hybrid still answer', async () => {
    const ingested = await p.call('/v1/memory/documents', {
      key: t.key,
      body: { collection: 'hygiene', documents: [{ source: 'leave.md', text: 'Employees get twenty-five days of paid holiday a year.' }], wait: true },
    });
    expect(ingested.status, JSON.stringify(ingested.body)).toBe(200);
    for (const query of ['the', '?', 'the of and']) {
      const keyword = await p.call('/v1/search', { key: t.key, body: { query, mode: 'keyword' } });
      expect(keyword.status, JSON.stringify(keyword.body)).toBe(200);
      expect(keyword.body.data).toEqual([]);
      const dense = await p.call('/v1/search', { key: t.key, body: { query, mode: 'dense', sources: ['documents'] } });
      expect(dense.status, JSON.stringify(dense.body)).toBe(200);
      expect(dense.body.data.length).toBeGreaterThan(0);
      const hybrid = await p.call('/v1/search', { key: t.key, body: { query, sources: ['documents'] } });
      expect(hybrid.status, JSON.stringify(hybrid.body)).toBe(200);
      expect(hybrid.body.data.every((h: { ranks: { keyword?: number } }) => h.ranks.keyword === undefined)).toBe(true);
    }
    const rag = await p.call('/v1/rag', { key: t.key, body: { question: 'the', model: 'gpt-4o-mini', collections: ['hygiene'] } });
    expect(rag.status, JSON.stringify(rag.body)).toBe(200);
    const injected = await p.call('/v1/completions', { key: t.key, body: { ...valid, messages: [{ role: 'user', content: '?' }], memory: { collections: ['hygiene'], k: 2 } } });
    expect(injected.status, JSON.stringify(injected.body)).toBe(200);
  });

  it('refuses NUL and lone surrogates in stored text, naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/v1/conversations', { title: 'a\u0000b' }, 'title'],
      ['/v1/conversations', { messages: [{ role: 'user', content: 'half a pair \ud800' }] }, 'messages.0.content'],
      ['/v1/conversations/conv_anything/messages', { messages: [{ role: 'user', content: '\udc00 alone' }] }, 'messages.0.content'],
      ['/v1/prompts', { name: 'hygiene', text: 'Hello\u0000 {{ name }}' }, 'text'],
      ['/v1/capsules', { name: 'hygiene', version: '1.0.0', description: 'nul\u0000' }, 'description'],
      ['/v1/experiments/exp_anything/assignments', { subject_id: 'user\u0000' }, 'subject_id'],
      ['/v1/memory/documents', { documents: [{ source: 'x.txt', text: 'ok', metadata: { 'k\u0000': 'v' } }] }, 'documents.0.metadata.k\u0000'],
    ];
    for (const [path, body, field] of cases) {
      const res = await p.call(path, { key: t.key, body });
      await expectClientError(res, 400, 'invalid_characters');
      expect(res.body.error.details[0].path, path).toBe(field);
    }
    await expectClientError(await p.call('/v1/runs?status=%00', { key: t.key }), 400, 'invalid_characters');
    await expectClientError(await p.call('/v1/prompts/a%00b', { key: t.key }), 400, 'invalid_characters');
    // A well-formed pair (an emoji) is ordinary text.
    expect((await p.call('/v1/conversations', { key: t.key, body: { title: 'trip \ud83c\udf0d' } })).status).toBe(201);
  });

  it('refuses deep nesting before anything recursive runs', async () => {
    const and = (depth: number, leaf: string) => nested(depth, '{"$and":[', ']}', leaf);
    const search = (metadata: string) => p.call('/v1/search', { key: t.key, body: `{"query":"holiday","metadata":${metadata}}` });
    await expectClientError(await search(and(1000, '{"year":2026}')), 400, 'too_deeply_nested');
    const deepMetadata = `{"title":"deep","metadata":${nested(5000, '{"a":', '}')}}`;
    await expectClientError(await p.call('/v1/conversations', { key: t.key, body: deepMetadata }), 400, 'too_deeply_nested');
    const deepArgs = `{"args":${nested(5000, '[', ']')}}`;
    await expectClientError(await p.call('/v1/runs/completion-x-y/query/status', { key: t.key, body: deepArgs }), 400, 'too_deeply_nested');
    // Within the body limit but beyond the filter language's own: a validation error.
    await expectClientError(await search(and(10, '{"year":2026}')), 400, 'validation_failed');
    expect((await search(and(3, '{"year":{"$gte":2020}}'))).status).toBe(200);
  });

  it('bounds integers to what Postgres integer holds', async () => {
    const created = await p.call('/v1/prompts', { key: t.key, body: { name: 'bounded', text: 'Hello there.' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await expectClientError(await p.call('/v1/prompts/bounded/labels/production', { key: t.key, method: 'PUT', body: { version: 2147483648 } }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/prompts/bounded/diff?from=1&to=2147483648', { key: t.key }), 400, 'validation_failed');
    await expectClientError(await p.call('/v1/prompts/bounded/versions?before=2147483648', { key: t.key }), 400, 'validation_failed');
    const experiment = await p.call('/v1/experiments', {
      key: t.key,
      body: { name: 'x', template: 'bounded', metric: 'success', variants: [{ name: 'a', version: 1 }, { name: 'b', version: 2147483648 }] },
    });
    await expectClientError(experiment, 400, 'validation_failed');
    // Dates too: JavaScript reaches years Postgres timestamps do not.
    await expectClientError(await p.call('/v1/conversations?before=-200000-01-01', { key: t.key }), 400, 'validation_failed');
    // The largest value storage holds is still just a version that does not exist.
    await expectClientError(await p.call('/v1/prompts/bounded/diff?from=1&to=2147483647', { key: t.key }), 404, 'version_not_found');
  });

  it('answers bad percent-encoding in the path with 400 invalid_path', async () => {
    await expectClientError(await p.call('/v1/runs/%ff%fe', { key: t.key }), 400, 'invalid_path');
    await expectClientError(await p.call('/v1/prompts/%E0%A4%A', { key: t.key }), 400, 'invalid_path');
  });

  it('answers an undeclared method on a known path with 405 and Allow; unknown paths stay 404', async () => {
    const trace = await rawRequest('TRACE', '/v1/runs/completion-x-y', t.key);
    await expectClientError(trace, 405, 'method_not_allowed');
    expect(trace.headers.get('allow')).toBe('GET, HEAD');
    const patch = await p.call('/v1/prompts/greeting', { key: t.key, method: 'PATCH', body: {} });
    await expectClientError(patch, 405, 'method_not_allowed');
    expect(patch.headers.get('allow')).toBe('GET, HEAD');
    const put = await p.call('/v1/conversations/conv_x', { key: t.key, method: 'PUT', body: {} });
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD');
    await expectClientError(await rawRequest('TRACE', '/v1/nothing-here', t.key), 404, 'route_not_found');
  });

  it('the server is still healthy after all of that', async () => {
    expect((await p.call('/v1/completions', { key: t.key, body: valid })).status).toBe(200);
  });
});
