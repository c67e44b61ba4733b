/**
 * The Pinecone VectorStore, through the official SDK, against the local Pinecone emulator:
 * the shared VectorStore contract, then what is Pinecone's own — namespaces per tenant, batching
 * under the service's limits, the SDK's retries, and how its errors come out.
 */
import { randomUUID } from 'node:crypto';
import { Pinecone } from '@pinecone-database/pinecone';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPineconeEmulator, type PineconeEmulator } from '../tooling/emulator/pinecone/create-pinecone-emulator.ts';
import { createPineconeVectorStore, PineconeStoreError, pineconeNamespace, type PineconeVectorStoreOptions } from '../stores/vectors/pinecone-vector-store.ts';
import { VectorDimensionError, type VectorRecord } from '../stores/vectors/vector-store.ts';
import { describeVectorStoreContract, randomVector, seededRandom } from './support/vector-store-contract.ts';

const MODEL = 'local/all-MiniLM-L6-v2';
const DIMENSION = 16;

/**
 * The SDK caches index hosts process-wide by API key and index name, so every emulator gets a
 * key of its own: a name-resolved store must never reach an emulator of an earlier test.
 */
const freshKey = (): string => `pc-test-${randomUUID()}`;

describeVectorStoreContract('pinecone (SDK against the local emulator)', async () => {
  const apiKey = freshKey();
  const emulator = await createPineconeEmulator({ dimension: DIMENSION, apiKey });
  const store = createPineconeVectorStore({ apiKey, indexHost: emulator.url, model: MODEL, dimension: DIMENSION, maxRetries: 0 });
  return { store, cleanup: () => emulator.close() };
});

describe('Pinecone vector store', () => {
  let emulator: PineconeEmulator;
  let apiKey: string;
  const random = seededRandom(7);

  const makeStore = (options: Partial<PineconeVectorStoreOptions> = {}) =>
    createPineconeVectorStore({ apiKey, indexHost: emulator.url, model: MODEL, dimension: DIMENSION, maxRetries: 0, ...options });
  const records = (count: number, metadata: (i: number) => VectorRecord['metadata'] = (i) => ({ n: i })): VectorRecord[] =>
    Array.from({ length: count }, (_, i) => ({ id: `r${i}`, values: randomVector(random, DIMENSION), metadata: metadata(i) }));

  beforeAll(async () => {
    apiKey = freshKey();
    emulator = await createPineconeEmulator({ dimension: DIMENSION, apiKey });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset({ vectors: true });
  });

  it('writes what the SDK reads back: fetch by id and query by a stored id', async () => {
    const store = makeStore();
    const [first, second] = records(2, (i) => ({ title: `doc ${i}`, tags: ['a', 'b'] }));
    await store.upsert('ten_demo', [first as VectorRecord, second as VectorRecord]);

    const index = new Pinecone({ apiKey, maxRetries: 0 }).index({ host: emulator.url, namespace: store.namespaceFor('ten_demo') });
    const fetched = await index.fetch({ ids: ['r0', 'r1', 'missing'] });
    expect(Object.keys(fetched.records).sort()).toEqual(['r0', 'r1']);
    expect(fetched.records.r0?.metadata).toEqual({ title: 'doc 0', tags: ['a', 'b'] });
    expect(fetched.records.r0?.values).toEqual(first?.values.map((v) => Math.fround(v)));

    const byId = await index.query({ id: 'r1', topK: 2, includeMetadata: true });
    expect(byId.matches[0]).toMatchObject({ id: 'r1', metadata: { title: 'doc 1' } });
    expect(byId.matches[0]?.score).toBeCloseTo(1, 5);
    expect(byId.matches.map((m) => m.id)).toEqual(['r1', 'r0']);
  });

  it('puts each tenant in its own Pinecone namespace, never the default one', async () => {
    const store = makeStore();
    await store.upsert('ten_abc123', records(2));
    await store.upsert('default', records(1));
    await store.upsert('__default__', records(3));
    await store.upsert('Äcme corp/eu', records(4));
    const stats = await new Pinecone({ apiKey, maxRetries: 0 }).index({ host: emulator.url }).describeIndexStats();
    expect(stats.namespaces).toEqual({
      ten_abc123: { recordCount: 2 },
      default: { recordCount: 1 },
      '-5F_default__': { recordCount: 3 },
      '-C3-84cme-20corp-2Feu': { recordCount: 4 },
    });
    expect(store.namespaceFor('Äcme corp/eu')).toBe(pineconeNamespace('Äcme corp/eu'));
    // Distinct names never share a namespace, even ones that look alike once escaped.
    expect(new Set(['a-b', 'a_b', 'a b', 'a-2Db', '_a', '-5Fa'].map((n) => pineconeNamespace(n))).size).toBe(6);
    expect(() => pineconeNamespace('')).toThrow(RangeError);

    const prefixed = makeStore({ namespacePrefix: 'staging-' });
    await prefixed.upsert('ten_abc123', records(5));
    expect(await prefixed.count('ten_abc123')).toBe(5);
    expect(await store.count('ten_abc123')).toBe(2);
  });

  it('refuses a vector of the wrong dimension before any request', async () => {
    const store = makeStore();
    await expect(store.upsert('t', [{ id: 'x', values: [1, 2, 3], metadata: {} }])).rejects.toBeInstanceOf(VectorDimensionError);
    await expect(store.query('t', { vector: [1, 2, 3], topK: 1 })).rejects.toBeInstanceOf(VectorDimensionError);
    await expect(store.upsert('t', [{ id: 'z', values: new Array<number>(DIMENSION).fill(0), metadata: {} }])).rejects.toThrow(/all zeros/);
    await expect(store.upsert('t', [{ id: 'big', values: randomVector(random, DIMENSION), metadata: { text: 'x'.repeat(41 * 1024) } }])).rejects.toThrow(
      /metadata; Pinecone takes at most 40960/,
    );
    expect(emulator.stats().total).toBe(0);
  });

  it("turns the service's dimension 400 into a VectorDimensionError, other 400s into clear errors", async () => {
    // A store configured for another model than the index holds gets the service's own 400.
    const misconfigured = makeStore({ dimension: 8 });
    const upsert = misconfigured.upsert('t', [{ id: 'x', values: randomVector(random, 8), metadata: {} }]);
    await expect(upsert).rejects.toBeInstanceOf(VectorDimensionError);
    await expect(upsert).rejects.toMatchObject({ expected: DIMENSION, actual: 8 });
    await expect(misconfigured.checkIndex()).rejects.toThrow(/index has dimension 16, but this store holds .* vectors of dimension 8/);
    await expect(makeStore().checkIndex()).resolves.toBeUndefined();

    const store = makeStore();
    await store.upsert('t', records(1));
    const badFilter = store.query('t', { vector: randomVector(random, DIMENSION), topK: 1, filter: { 'not a field!': 'x' } });
    await expect(badFilter).rejects.toBeInstanceOf(PineconeStoreError);
    await expect(badFilter).rejects.toMatchObject({ status: 400, retryable: false, message: expect.stringMatching(/^Pinecone refused the query \(400\): Invalid filter/) });

    await expect(makeStore({ apiKey: 'wrong-key' }).count('t')).rejects.toMatchObject({ name: 'PineconeStoreError', status: 401, retryable: false });
  });

  it('retries a 503 through the SDK, and reports what it gave up on', async () => {
    const store = makeStore({ maxRetries: 3 });
    emulator.injectFault({ status: 503, count: 2, path: '/vectors/upsert' });
    await store.upsert('t', records(3));
    expect(emulator.stats().byEndpoint['POST /vectors/upsert']).toBe(3);
    expect(emulator.stats().faultsInjected).toBe(2);
    expect(await store.count('t')).toBe(3);

    // Out of retries: the SDK throws a bare "max retries exceeded"; the store says which status.
    emulator.reset();
    emulator.injectFault({ status: 500, count: 5 });
    const failed = makeStore({ maxRetries: 1 }).count('t');
    await expect(failed).rejects.toMatchObject({ status: 500, retryable: true, message: expect.stringMatching(/on all 2 attempts, last with 500/) });
    expect(emulator.stats().byEndpoint['POST /describe_index_stats']).toBe(2);
  });

  it('does not retry a 429 or a dropped connection in the SDK, and marks both retryable', async () => {
    const store = makeStore({ maxRetries: 3 });
    emulator.injectFault({ status: 429, retryAfterSeconds: 1 });
    await expect(store.count('t')).rejects.toMatchObject({ status: 429, retryable: true, message: expect.stringMatching(/rate limit/) });
    emulator.injectFault({ status: 'reset' });
    await expect(store.count('t')).rejects.toMatchObject({ status: undefined, retryable: true, message: expect.stringMatching(/could not reach Pinecone/) });
    expect(emulator.stats().byEndpoint['POST /describe_index_stats']).toBe(2);
  });

  it('upserts and deletes in batches the service accepts', async () => {
    const store = makeStore();
    const many = records(2500);
    await store.upsert('t', many);
    expect(emulator.stats().byEndpoint['POST /vectors/upsert']).toBe(3);
    expect(await store.count('t')).toBe(2500);

    // Heavy metadata: batches are cut by size (2 MB), far below 1000 records.
    const heavy = records(100, (i) => ({ text: `${i} ${'lorem ipsum '.repeat(2500)}` }));
    await store.upsert('heavy', heavy);
    expect(emulator.stats().byEndpoint['POST /vectors/upsert']).toBe(3 + 2);
    expect(await store.count('heavy')).toBe(100);

    await store.delete('t', { ids: many.map((r) => r.id) });
    expect(emulator.stats().byEndpoint['POST /vectors/delete']).toBe(3);
    expect(await store.count('t')).toBe(0);
  });

  it('counts with a filter by paging through fetch_by_metadata, not filtered stats', async () => {
    const store = makeStore();
    await store.upsert('t', records(2500, (i) => ({ even: i % 2 === 0 })));
    expect(await store.count('t', { even: true })).toBe(1250);
    expect(await store.count('t', { even: { $ne: true } })).toBe(1250);
    const stats = emulator.stats();
    // 16 dimensions: pages of 699 records, so 1250 matches take two pages per count.
    expect(stats.byEndpoint['POST /vectors/fetch_by_metadata']).toBe(4);
    expect(stats.byEndpoint['POST /describe_index_stats']).toBeUndefined();
  });

  it('finds the index host through the control plane when given a name', async () => {
    const store = makeStore({ indexHost: undefined, indexName: emulator.indexName, controllerHostUrl: emulator.url });
    await store.upsert('t', records(4));
    expect(await store.count('t')).toBe(4);
    expect(emulator.stats().byEndpoint[`GET /indexes/${emulator.indexName}`]).toBe(1);
    // A delete's 404 means "no such namespace" only on the delete route: a wrong index name fails.
    const wrongName = makeStore({ indexHost: undefined, indexName: 'no-such-index', controllerHostUrl: emulator.url });
    await expect(wrongName.delete('t', { ids: ['r0'] })).rejects.toMatchObject({ name: 'PineconeStoreError', status: 404 });
    expect(() => makeStore({ indexName: 'x' })).toThrow(/exactly one of indexHost or indexName/);
  });
});
