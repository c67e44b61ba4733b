import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { matchesFilter, type MetadataFilter, type VectorMetadata } from '../core/memory/metadata-filter.ts';
import { newId } from '../platform/ids.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { createPgvectorStore } from '../stores/vectors/pgvector-vector-store.ts';
import { VectorDimensionError, type VectorStore } from '../stores/vectors/vector-store.ts';
import { describeVectorStoreContract } from './support/vector-store-contract.ts';

let pool: Pool;
let store: VectorStore;
const DIM = 8;

/** A deterministic pseudo-random source, so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 4);
  store = await createPgvectorStore({ pool, model: 'test/random-8', dimension: DIM });
});
afterAll(async () => pool?.end());

describe('pgvector store', () => {
  it('finds the nearest vectors by cosine similarity, within the namespace only', async () => {
    const [ns, other] = [newId('ten'), newId('ten')];
    const random = rng(7);
    const records = Array.from({ length: 300 }, (_, i) => ({ id: `v${i}`, values: unit(Array.from({ length: DIM }, () => random() - 0.5)), metadata: { i } }));
    await store.upsert(ns, records);
    await store.upsert(other, [{ id: 'intruder', values: records[0]!.values, metadata: {} }]);
    const query = records[0]!.values;
    const found = await store.query(ns, { vector: query, topK: 5 });
    const exact = [...records].sort((a, b) => cosine(b.values, query) - cosine(a.values, query)).slice(0, 5);
    expect(found.map((m) => m.id)).toEqual(exact.map((r) => r.id));
    expect(found[0]!.score).toBeCloseTo(1, 5);
    expect(found.some((m) => m.id === 'intruder')).toBe(false);
    expect(await store.count(ns)).toBe(300);
    // Upsert replaces.
    await store.upsert(ns, [{ id: 'v0', values: records[1]!.values, metadata: { i: -1 } }]);
    expect((await store.query(ns, { vector: records[1]!.values, topK: 2, includeValues: true })).map((m) => m.metadata.i).sort()).toEqual([-1, 1]);
  });

  it('filters exactly as the reference semantics say, on random records and filters', async () => {
    const ns = newId('ten');
    const random = rng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const records = Array.from({ length: 120 }, (_, i) => {
      const metadata: VectorMetadata = { collection: pick(['docs', 'faq', 'blog']), year: 2020 + Math.floor(random() * 6), draft: random() < 0.3 };
      if (random() < 0.5) metadata.tags = ['a', 'b', 'c', 'd'].filter(() => random() < 0.4);
      if (random() < 0.2) metadata.lang = 'en';
      return { id: `r${i}`, values: unit(Array.from({ length: DIM }, () => random() - 0.5)), metadata };
    });
    await store.upsert(ns, records);
    const filters: MetadataFilter[] = [
      { collection: 'docs' },
      { collection: { $ne: 'docs' } },
      { year: { $gte: 2023 } },
      { year: { $gt: 2021, $lte: 2024 } },
      { collection: { $in: ['faq', 'blog'] }, draft: false },
      { tags: 'b' },
      { tags: { $in: ['a', 'd'] } },
      { tags: { $nin: ['a'] } },
      { lang: { $exists: true } },
      { lang: { $exists: false }, year: { $lt: 2022 } },
      { $or: [{ collection: 'faq' }, { year: 2025 }] },
      { $and: [{ draft: true }, { $or: [{ tags: 'c' }, { collection: 'blog' }] }] },
    ];
    for (const filter of filters) {
      const expected = records.filter((r) => matchesFilter(r.metadata, filter)).map((r) => r.id).sort();
      expect(await store.count(ns, filter), JSON.stringify(filter)).toBe(expected.length);
      const found = await store.query(ns, { vector: records[3]!.values, topK: 200, filter });
      expect(found.map((m) => m.id).sort(), JSON.stringify(filter)).toEqual(expected);
    }
  });

  it('deletes by id and by filter', async () => {
    const ns = newId('ten');
    const v = unit(Array.from({ length: DIM }, (_, i) => i + 1));
    await store.upsert(ns, ['a', 'b', 'c', 'd'].map((id, i) => ({ id, values: v, metadata: { document: i < 2 ? 'doc1' : 'doc2' } })));
    await store.delete(ns, { ids: ['a'] });
    expect(await store.count(ns)).toBe(3);
    await store.delete(ns, { filter: { document: 'doc2' } });
    expect((await store.query(ns, { vector: v, topK: 10 })).map((m) => m.id)).toEqual(['b']);
  });

  it('refuses vectors of the wrong dimension before touching the database', async () => {
    await expect(store.upsert('x', [{ id: 'a', values: [1, 2, 3], metadata: {} }])).rejects.toThrow(VectorDimensionError);
    await expect(store.query('x', { vector: [1, 2, 3], topK: 1 })).rejects.toThrow(/dimension 3 .* dimension 8/);
  });
});

// The same behavioural contract the Pinecone store passes (test/support/vector-store-contract.ts).
describeVectorStoreContract('pgvector (PGlite over the wire)', async () => {
  const contractPool = createPool(inject('databaseUrl'), 4);
  const contractStore = await createPgvectorStore({ pool: contractPool, model: `test/contract-${newId('m', 6)}`, dimension: 16 });
  return { store: contractStore, cleanup: () => contractPool.end() };
});
