/**
 * The Pinecone emulator on its own, with plain fetch so nothing SDK-shaped hides a mistake:
 * the data-plane JSON shapes, the service's error bodies and limits, auth, the control plane's
 * `GET /indexes/{name}`, and fault injection through the control API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPineconeEmulator, type PineconeEmulator } from '../tooling/emulator/pinecone/create-pinecone-emulator.ts';

const API_KEY = 'emulator-test-key';
const DIMENSION = 4;
let emulator: PineconeEmulator;

/** Bodies are asserted field by field, so a loose type keeps those assertions readable. */
const json = (res: Response): Promise<any> => res.json();

function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = { 'Api-Key': API_KEY }): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
const post = (path: string, body: unknown) => call('POST', path, body);

async function expectWireError(res: Response, status: number, message: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = await json(res);
  expect(body).toEqual({ code: expect.any(Number), message: expect.stringMatching(message), details: [] });
  if (status === 400) expect(body.code).toBe(3);
}

beforeAll(async () => {
  emulator = await createPineconeEmulator({ dimension: DIMENSION, apiKey: API_KEY, indexName: 'docs-index' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset({ vectors: true });
});

describe('data plane', () => {
  it('upserts, queries, fetches, updates, lists and deletes in the wire shapes the SDK reads', async () => {
    const upsert = await post('/vectors/upsert', {
      vectors: [
        { id: 'doc1#a', values: [1, 0, 0, 0], metadata: { genre: 'news', year: 2024 } },
        { id: 'doc1#b', values: [0.9, 0.1, 0, 0], metadata: { genre: 'blog', year: 2020, tags: ['x'] } },
        { id: 'doc2#a', values: [0, 0, 1, 0] },
      ],
      namespace: 'ns1',
    });
    expect(upsert.status).toBe(200);
    expect(await json(upsert)).toEqual({ upsertedCount: 3 });

    const query = await json(await post('/query', { namespace: 'ns1', topK: 2, vector: [1, 0, 0, 0], includeMetadata: true, includeValues: false }));
    expect(query).toEqual({
      matches: [
        { id: 'doc1#a', score: 1, values: [], metadata: { genre: 'news', year: 2024 } },
        { id: 'doc1#b', score: expect.closeTo(0.9938837, 6), values: [], metadata: { genre: 'blog', year: 2020, tags: ['x'] } },
      ],
      namespace: 'ns1',
      usage: { readUnits: 1 },
    });
    const filtered = await json(await post('/query', { namespace: 'ns1', topK: 5, id: 'doc1#a', filter: { year: { $lt: 2024 } }, includeValues: true }));
    expect(filtered.matches).toEqual([{ id: 'doc1#b', score: expect.any(Number), values: [Math.fround(0.9), Math.fround(0.1), 0, 0] }]);

    const fetched = await json(await call('GET', '/vectors/fetch?ids=doc1%23a&ids=nope&namespace=ns1'));
    expect(fetched).toEqual({
      vectors: { 'doc1#a': { id: 'doc1#a', values: [1, 0, 0, 0], metadata: { genre: 'news', year: 2024 } } },
      namespace: 'ns1',
      usage: { readUnits: 1 },
    });

    expect(await json(await post('/vectors/update', { id: 'doc1#a', setMetadata: { year: 2025, reviewed: true }, namespace: 'ns1' }))).toEqual({});
    const updated = await json(await call('GET', '/vectors/fetch?ids=doc1%23a&namespace=ns1'));
    expect(updated.vectors['doc1#a'].metadata).toEqual({ genre: 'news', year: 2025, reviewed: true });
    await expectWireError(await post('/vectors/update', { id: 'missing', setMetadata: { a: 1 }, namespace: 'ns1' }), 404, /not found/);

    const page1 = await json(await call('GET', '/vectors/list?namespace=ns1&prefix=doc1%23&limit=1'));
    expect(page1).toMatchObject({ vectors: [{ id: 'doc1#a' }], pagination: { next: expect.any(String) }, namespace: 'ns1' });
    const page2 = await json(await call('GET', `/vectors/list?namespace=ns1&prefix=doc1%23&limit=1&paginationToken=${page1.pagination.next}`));
    expect(page2.vectors).toEqual([{ id: 'doc1#b' }]);
    expect(page2.pagination).toBeUndefined();

    expect(await json(await post('/vectors/delete', { ids: ['doc1#a'], namespace: 'ns1' }))).toEqual({});
    expect(await json(await post('/vectors/delete', { filter: { genre: 'blog' }, namespace: 'ns1' }))).toEqual({});
    const stats = await json(await post('/describe_index_stats', {}));
    expect(stats).toEqual({ namespaces: { ns1: { vectorCount: 1 } }, dimension: DIMENSION, indexFullness: 0, totalVectorCount: 1, metric: 'cosine', vectorType: 'dense' });
    expect(await json(await post('/vectors/delete', { deleteAll: true, namespace: 'ns1' }))).toEqual({});
    expect((await json(await post('/describe_index_stats', {}))).namespaces).toEqual({});
  });

  it('pages fetch_by_metadata through a filter', async () => {
    const vectors = Array.from({ length: 5 }, (_, i) => ({ id: `v${i}`, values: [1, i, 0, 0], metadata: { odd: i % 2 === 1 } }));
    await post('/vectors/upsert', { vectors, namespace: 'ns' });
    const first = await json(await post('/vectors/fetch_by_metadata', { namespace: 'ns', filter: { odd: false }, limit: 2 }));
    expect(Object.keys(first.vectors)).toEqual(['v0', 'v2']);
    expect(first.vectors.v0).toEqual({ id: 'v0', values: [1, 0, 0, 0], metadata: { odd: false } });
    const second = await json(await post('/vectors/fetch_by_metadata', { namespace: 'ns', filter: { odd: false }, limit: 2, paginationToken: first.pagination.next }));
    expect(Object.keys(second.vectors)).toEqual(['v4']);
    expect(second.pagination).toBeUndefined();
    await expectWireError(await post('/vectors/fetch_by_metadata', { namespace: 'ns', filter: {} }), 400, /non-empty filter/);
  });

  it('uses __default__ for a missing or empty namespace', async () => {
    await post('/vectors/upsert', { vectors: [{ id: 'a', values: [1, 1, 1, 1] }] });
    await post('/vectors/upsert', { vectors: [{ id: 'b', values: [1, 1, 1, 1] }], namespace: '' });
    await post('/vectors/upsert', { vectors: [{ id: 'c', values: [1, 1, 1, 1] }], namespace: '__default__' });
    expect((await json(await post('/describe_index_stats', {}))).namespaces).toEqual({ __default__: { vectorCount: 3 } });
  });

  it("answers the service's 400s for bad input and broken limits", async () => {
    const vector = (id: string, values = [1, 2, 3, 4], metadata?: unknown) => ({ id, values, ...(metadata !== undefined && { metadata }) });
    await expectWireError(await post('/vectors/upsert', '{"vectors": ['), 400, /not valid JSON/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('a', [1, 2, 3])] }), 400, /^Vector dimension 3 does not match the dimension of the index 4$/);
    await expectWireError(await post('/query', { topK: 1, vector: [1, 2, 3, 4, 5] }), 400, /^Vector dimension 5 does not match the dimension of the index 4$/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('a', [0, 0, 0, 0])] }), 400, /at least one non-zero value/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('a', [1, 2, 3, 4], { k: null })] }), 400, /metadata/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('a', [1, 2, 3, 4], { k: { nested: 1 } })] }), 400, /metadata/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('a', [1, 2, 3, 4], { text: 'x'.repeat(41_000) })] }), 400, /exceeds the limit of 40960 bytes/);
    await expectWireError(await post('/vectors/upsert', { vectors: [vector('x'.repeat(513))] }), 400, /maximum length of 512/);
    const tooMany = Array.from({ length: 1001 }, (_, i) => vector(`v${i}`));
    await expectWireError(await post('/vectors/upsert', { vectors: tooMany }), 400, /exceeds the maximum batch size of 1000/);
    const tooBig = Array.from({ length: 60 }, (_, i) => vector(`v${i}`, [1, 2, 3, 4], { text: 'y'.repeat(39_000) }));
    await expectWireError(await post('/vectors/upsert', { vectors: tooBig }), 400, /exceeds the maximum supported size .* \(2MB\)/);
    await expectWireError(await post('/query', { topK: 10_001, vector: [1, 2, 3, 4] }), 400, /top_k 10001 exceeds the maximum of 10000/);
    await expectWireError(await post('/query', { topK: 0, vector: [1, 2, 3, 4] }), 400, /topK/);
    await expectWireError(await post('/query', { topK: 1 }), 400, /No query provided/);
    await expectWireError(await post('/query', { topK: 1, vector: [1, 2, 3, 4], filter: { year: { $regex: 'x' } } }), 400, /^Invalid filter/);
    await expectWireError(await post('/vectors/delete', { namespace: 'ns' }), 400, /Exactly one of ids, deleteAll or filter/);
    await expectWireError(await post('/vectors/delete', { ids: Array.from({ length: 1001 }, (_, i) => `v${i}`), namespace: 'ns' }), 400, /maximum is 1000/);
    await expectWireError(await post('/describe_index_stats', { filter: { genre: 'news' } }), 400, /do not support describing index stats with metadata filtering/);
    await expectWireError(await call('GET', '/vectors/fetch?namespace=ns'), 400, /No IDs provided/);
    expect(emulator.stats().total).toBe(18);
    expect(emulator.stats().byStatus).toEqual({ 400: 18 });
  });

  it('answers 404 for a delete in a namespace that does not exist, as serverless indexes do', async () => {
    await expectWireError(await post('/vectors/delete', { ids: ['a'], namespace: 'never' }), 404, /Namespace not found/);
  });
});

describe('auth, routes and the control plane', () => {
  it('answers 401 without the Api-Key header or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { 'Api-Key': 'wrong' }, { Authorization: `Bearer ${API_KEY}` }];
    for (const headers of attempts) {
      const res = await call('POST', '/describe_index_stats', {}, headers);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Unauthorized');
    }
    expect((await call('GET', '/indexes/docs-index', undefined, {})).status).toBe(401);
    expect(emulator.stats().byStatus).toEqual({ 401: 4 });
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    await expectWireError(await post('/vectors/nope', {}), 404, /Not Found: POST \/vectors\/nope/);
    await expectWireError(await call('GET', '/query'), 405, /Method Not Allowed/);
  });

  it('describes the index with an http:// host, and 404s other names in the control-plane shape', async () => {
    const model = await json(await call('GET', '/indexes/docs-index'));
    expect(model).toMatchObject({ name: 'docs-index', dimension: DIMENSION, metric: 'cosine', host: emulator.url, status: { ready: true, state: 'Ready' } });
    expect(model.host).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const list = await json(await call('GET', '/indexes'));
    expect(list.indexes.map((i: any) => i.name)).toEqual(['docs-index']);
    const missing = await call('GET', '/indexes/other');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ error: { code: 'NOT_FOUND', message: 'Resource other not found' }, status: 404 });
  });
});

describe('control API', () => {
  it('fails the next calls with injected faults, scoped to a path when asked', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${emulator.url}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await control('faults', { status: 429, count: 1, retryAfterSeconds: 2 })).status).toBe(200);
    expect((await control('faults', { status: 503, count: 1, path: '/query' })).status).toBe(200);
    expect((await control('faults', { status: 418 })).status).toBe(400);

    const limited = await post('/describe_index_stats', {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await json(limited)).toEqual({ code: 8, message: expect.stringMatching(/rate limit/), details: [] });
    expect((await post('/describe_index_stats', {})).status).toBe(200);
    const unavailable = await post('/query', { topK: 1, vector: [1, 2, 3, 4] });
    expect(unavailable.status).toBe(503);
    expect((await json(unavailable)).code).toBe(14);

    await control('faults', { status: 'reset' });
    await expect(post('/describe_index_stats', {})).rejects.toThrow();

    expect((await control('config', { latencyMs: 150 })).status).toBe(200);
    const started = performance.now();
    await post('/describe_index_stats', {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);

    const stats = await json(await fetch(`${emulator.url}/_emulator/stats`));
    expect(stats).toMatchObject({ total: 5, faultsInjected: 3, byStatus: { 200: 2, 429: 1, 503: 1, reset: 1 } });
    expect((await control('reset', {})).status).toBe(200);
    expect(emulator.stats().total).toBe(0);
  });
});
