/**
 * The behaviour every VectorStore must share, as one reusable suite: pgvector and Pinecone run
 * the same checks, and both are compared with a brute-force in-memory reference (exact cosine
 * similarity, `matchesFilter`) rather than with hand-picked expectations.
 *
 *   describeVectorStoreContract('pgvector', async () => ({ store, cleanup: () => pool.end() }));
 *
 * Every test writes to namespaces of its own, so the suite needs no cleanup between tests and
 * can share one store. Stores are assumed read-after-write consistent (the emulator and Postgres
 * are; the Pinecone service is only eventually consistent, so this suite is not for it).
 * Nearest-neighbour checks expect exact search over at most a few hundred records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFilter, type MetadataFilter, type VectorMetadata } from '../../core/memory/metadata-filter.ts';
import { VectorDimensionError, type VectorMatch, type VectorRecord, type VectorStore } from '../../stores/vectors/vector-store.ts';

export interface VectorStoreHarness {
  store: VectorStore;
  cleanup(): Promise<void>;
}

export interface VectorStoreContractOptions {
  /**
   * A fresh namespace for one test (`label` says which). The default makes a unique name with a
   * few characters a store must not trip on (`.`, `-`); a store whose namespaces must exist first
   * (a tenants table) creates them here.
   */
  namespace?(label: string): Promise<string> | string;
  /** Seed of the random records and filters; a failure message names it, to replay a run. */
  seed?: number;
}

/** Scores are float32 in both stores; the reference is float64. */
const SCORE_TOLERANCE = 1e-4;

/** mulberry32: small, seedable, good enough to draw test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** The brute-force answer: every record that passes the filter, most similar first. */
export function referenceSearch(records: VectorRecord[], vector: number[], filter?: MetadataFilter): { id: string; score: number }[] {
  return records
    .filter((record) => matchesFilter(record.metadata, filter))
    .map((record) => ({ id: record.id, score: cosine(vector, record.values) }))
    .sort((a, b) => b.score - a.score);
}

/**
 * A store's top k agrees with the reference when every match passes the filter, scores match
 * the exact cosine, come best first, and none is worse than the reference's k-th best (ties at
 * the boundary may pick either record).
 */
export function expectNearest(matches: VectorMatch[], reference: { id: string; score: number }[], topK: number, context = ''): void {
  expect(matches.length, `${context} number of matches`).toBe(Math.min(topK, reference.length));
  expect(new Set(matches.map((m) => m.id)).size, `${context} duplicate ids`).toBe(matches.length);
  const exact = new Map(reference.map((r) => [r.id, r.score]));
  const kth = reference[matches.length - 1]?.score ?? -Infinity;
  matches.forEach((match, i) => {
    const score = exact.get(match.id);
    expect(score, `${context} ${match.id} should not match`).toBeDefined();
    expect(Math.abs(match.score - (score as number)), `${context} score of ${match.id}`).toBeLessThanOrEqual(SCORE_TOLERANCE);
    expect(score as number, `${context} ${match.id} is not among the nearest`).toBeGreaterThanOrEqual(kth - SCORE_TOLERANCE);
    if (i > 0) expect(match.score, `${context} order at ${i}`).toBeLessThanOrEqual((matches[i - 1] as VectorMatch).score + SCORE_TOLERANCE);
  });
}

export function randomVector(random: () => number, dimension: number): number[] {
  const values = Array.from({ length: dimension }, () => random() * 2 - 1);
  values[0] = (values[0] as number) + 0.001; // never all zeros
  return values;
}

const CATEGORIES = ['news', 'blog', 'docs', 'faq'];
const TAGS = ['red', 'green', 'blue', 'gold'];

/** Metadata from small domains so filters hit often; some fields are missing on purpose. */
export function randomMetadata(random: () => number): VectorMetadata {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const metadata: VectorMetadata = { category: pick(CATEGORIES), year: 2018 + Math.floor(random() * 8), published: random() < 0.5 };
  if (random() < 0.8) metadata.rating = Math.round(random() * 50) / 10;
  if (random() < 0.75) metadata.tags = TAGS.filter(() => random() < 0.4);
  return metadata;
}

/** A random filter over randomMetadata's fields, covering every operator and $and / $or. */
export function randomFilter(random: () => number, depth = 0): MetadataFilter {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const year = () => 2018 + Math.floor(random() * 8);
  const leaves: (() => MetadataFilter)[] = [
    () => ({ category: pick(CATEGORIES) }),
    () => ({ category: { $eq: pick(CATEGORIES) } }),
    () => ({ category: { $ne: pick(CATEGORIES) } }),
    () => ({ category: { $in: [pick(CATEGORIES), pick(CATEGORIES)] } }),
    () => ({ category: { $nin: [pick(CATEGORIES)] } }),
    () => ({ year: { $gte: year() } }),
    () => ({ year: { $lt: year() } }),
    () => ({ year: { $gt: year(), $lte: year() + 3 } }),
    () => ({ year: { $in: [year(), year()] } }),
    () => ({ rating: { $gte: Math.round(random() * 50) / 10 } }),
    () => ({ rating: { $exists: random() < 0.5 } }),
    () => ({ published: random() < 0.5 }),
    () => ({ published: { $ne: true } }),
    () => ({ tags: pick(TAGS) }),
    () => ({ tags: { $in: [pick(TAGS), pick(TAGS)] } }),
    () => ({ tags: { $nin: [pick(TAGS)] } }),
    () => ({ tags: { $exists: random() < 0.5 } }),
    () => ({ category: pick(CATEGORIES), year: { $gte: year() } }),
  ];
  const roll = random();
  if (depth < 2 && roll < 0.2) return { $and: [randomFilter(random, depth + 1), randomFilter(random, depth + 1)] };
  if (depth < 2 && roll < 0.4) return { $or: [randomFilter(random, depth + 1), randomFilter(random, depth + 1), randomFilter(random, depth + 1)] };
  return pick(leaves)();
}

export function describeVectorStoreContract(name: string, makeStore: () => Promise<VectorStoreHarness>, options: VectorStoreContractOptions = {}): void {
  describe(`VectorStore contract: ${name}`, () => {
    let harness: VectorStoreHarness | undefined;
    let store: VectorStore;
    const seed = options.seed ?? Number(process.env.VECTOR_CONTRACT_SEED ?? 20_240_611);
    let counter = 0;
    const namespace = async (label: string): Promise<string> =>
      options.namespace ? options.namespace(label) : `contract.${label}-${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;
    /** Records with ids that sort differently from their insertion order. */
    const makeRecords = (random: () => number, count: number, idPrefix = 'doc'): VectorRecord[] =>
      Array.from({ length: count }, (_, i) => ({
        id: `${idPrefix}-${(i * 7919) % 10_007}`,
        values: randomVector(random, store.dimension),
        metadata: randomMetadata(random),
      }));

    beforeAll(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    it('returns the nearest records first, scored by cosine similarity', async () => {
      const random = seededRandom(seed);
      const ns = await namespace('nearest');
      const records = makeRecords(random, 60);
      await store.upsert(ns, records);
      for (let q = 0; q < 5; q += 1) {
        const vector = randomVector(random, store.dimension);
        const matches = await store.query(ns, { vector, topK: 7 });
        expectNearest(matches, referenceSearch(records, vector), 7, `seed ${seed} query ${q}:`);
      }
      // A stored vector is its own best match, with a score of 1.
      const [self] = await store.query(ns, { vector: (records[3] as VectorRecord).values, topK: 1 });
      expect(self?.id).toBe(records[3]?.id);
      expect(self?.score).toBeCloseTo(1, 4);
    });

    it('round-trips metadata and, when asked, values', async () => {
      const ns = await namespace('roundtrip');
      const metadata: VectorMetadata = {
        title: 'Grüße, 世界 — "quoted" \\ back',
        year: 2024,
        rating: -0.125,
        big: 12_345_678_901,
        draft: false,
        reviewed: true,
        tags: ['alpha', 'beta gamma', 'δ'],
      };
      const values = randomVector(seededRandom(seed + 1), store.dimension);
      await store.upsert(ns, [{ id: 'doc#1:chunk/0', values, metadata }]);
      const [withValues] = await store.query(ns, { vector: values, topK: 1, includeValues: true });
      expect(withValues?.id).toBe('doc#1:chunk/0');
      expect(withValues?.metadata).toEqual(metadata);
      expect(withValues?.values).toHaveLength(store.dimension);
      withValues?.values?.forEach((v, i) => expect(v).toBeCloseTo(values[i] as number, 5));
      const [withoutValues] = await store.query(ns, { vector: values, topK: 1 });
      expect(withoutValues?.values).toBeUndefined();
      expect(withoutValues?.metadata).toEqual(metadata);
    });

    it('replaces a record on upsert of the same id, metadata included', async () => {
      const random = seededRandom(seed + 2);
      const ns = await namespace('replace');
      const first = randomVector(random, store.dimension);
      const second = randomVector(random, store.dimension);
      await store.upsert(ns, [{ id: 'a', values: first, metadata: { version: 1, stale: true } }]);
      await store.upsert(ns, [{ id: 'a', values: second, metadata: { version: 2 } }]);
      expect(await store.count(ns)).toBe(1);
      const [match] = await store.query(ns, { vector: second, topK: 1 });
      expect(match?.metadata).toEqual({ version: 2 });
      expect(match?.score).toBeCloseTo(1, 4);
    });

    it('filters exactly as matchesFilter does, on random records and random filters', async () => {
      const random = seededRandom(seed + 3);
      const ns = await namespace('filters');
      const records = makeRecords(random, 150);
      await store.upsert(ns, records);
      for (let f = 0; f < 40; f += 1) {
        const filter = randomFilter(random);
        const vector = randomVector(random, store.dimension);
        const reference = referenceSearch(records, vector, filter);
        const context = `seed ${seed} filter ${JSON.stringify(filter)}:`;
        const all = await store.query(ns, { vector, topK: records.length, filter });
        expect(all.map((m) => m.id).sort(), context).toEqual(reference.map((r) => r.id).sort());
        expectNearest(await store.query(ns, { vector, topK: 5, filter }), reference, 5, context);
        expect(await store.count(ns, filter), `${context} count`).toBe(reference.length);
      }
    });

    it('counts a namespace, with and without a filter', async () => {
      const random = seededRandom(seed + 4);
      const ns = await namespace('count');
      expect(await store.count(ns)).toBe(0);
      expect(await store.count(ns, { category: 'news' })).toBe(0);
      const records = makeRecords(random, 40);
      await store.upsert(ns, records);
      expect(await store.count(ns)).toBe(40);
      expect(await store.count(ns, {})).toBe(40);
      for (const filter of [{ category: 'news' }, { year: { $gte: 2022 } }, { tags: { $in: ['red', 'gold'] } }] as MetadataFilter[]) {
        expect(await store.count(ns, filter)).toBe(records.filter((r) => matchesFilter(r.metadata, filter)).length);
      }
    });

    it('deletes by id, ignoring ids it does not hold', async () => {
      const random = seededRandom(seed + 5);
      const ns = await namespace('delete-ids');
      const records = makeRecords(random, 30);
      await store.upsert(ns, records);
      const gone = records.slice(0, 10).map((r) => r.id);
      await store.delete(ns, { ids: [...gone, 'never-written'] });
      expect(await store.count(ns)).toBe(20);
      const vector = randomVector(random, store.dimension);
      const matches = await store.query(ns, { vector, topK: 30 });
      expect(matches.map((m) => m.id).filter((id) => gone.includes(id))).toEqual([]);
      expectNearest(matches, referenceSearch(records.slice(10), vector), 30);
      await store.delete(ns, { ids: [] });
      expect(await store.count(ns)).toBe(20);
    });

    it('deletes by filter, and only what the filter matches', async () => {
      const random = seededRandom(seed + 6);
      const ns = await namespace('delete-filter');
      const records = makeRecords(random, 60);
      await store.upsert(ns, records);
      const filter: MetadataFilter = { $or: [{ category: 'news' }, { year: { $lt: 2020 } }] };
      await store.delete(ns, { filter });
      const kept = records.filter((r) => !matchesFilter(r.metadata, filter));
      expect(await store.count(ns)).toBe(kept.length);
      const vector = randomVector(random, store.dimension);
      expectNearest(await store.query(ns, { vector, topK: 60 }), referenceSearch(kept, vector), 60);
    });

    it('keeps namespaces apart: same ids, separate data, counts and deletes', async () => {
      const random = seededRandom(seed + 7);
      const [a, b] = [await namespace('tenant-a'), await namespace('tenant-b')];
      const vector = randomVector(random, store.dimension);
      await store.upsert(a, [{ id: 'shared', values: vector, metadata: { owner: 'a' } }]);
      await store.upsert(b, [
        { id: 'shared', values: vector, metadata: { owner: 'b' } },
        { id: 'only-b', values: randomVector(random, store.dimension), metadata: { owner: 'b' } },
      ]);
      expect((await store.query(a, { vector, topK: 10 })).map((m) => [m.id, m.metadata.owner])).toEqual([['shared', 'a']]);
      expect(await store.count(a)).toBe(1);
      expect(await store.count(b)).toBe(2);
      expect(await store.count(a, { owner: 'b' })).toBe(0);
      await store.delete(a, { filter: { owner: 'b' } });
      await store.delete(a, { ids: ['only-b'] });
      expect(await store.count(b)).toBe(2);
      await store.delete(a, { ids: ['shared'] });
      expect(await store.count(a)).toBe(0);
      expect(await store.count(b)).toBe(2);
      expect(await store.query(a, { vector, topK: 10 })).toEqual([]);
    });

    it('treats an unknown namespace as empty', async () => {
      const ns = await namespace('never-written');
      const vector = randomVector(seededRandom(seed + 8), store.dimension);
      expect(await store.query(ns, { vector, topK: 3 })).toEqual([]);
      expect(await store.count(ns)).toBe(0);
      await store.delete(ns, { ids: ['x'] });
      await store.delete(ns, { filter: { category: 'news' } });
      await store.upsert(ns, []);
      expect(await store.count(ns)).toBe(0);
    });

    it('refuses vectors of another dimension and writes nothing', async () => {
      const random = seededRandom(seed + 9);
      const ns = await namespace('dimension');
      const good = { id: 'good', values: randomVector(random, store.dimension), metadata: {} };
      const bad = { id: 'bad', values: randomVector(random, store.dimension + 1), metadata: {} };
      const upsert = store.upsert(ns, [good, bad]);
      await expect(upsert).rejects.toBeInstanceOf(VectorDimensionError);
      await expect(upsert).rejects.toMatchObject({ expected: store.dimension, actual: store.dimension + 1, model: store.model });
      expect(await store.count(ns)).toBe(0);
      const query = store.query(ns, { vector: randomVector(random, store.dimension - 1), topK: 1 });
      await expect(query).rejects.toBeInstanceOf(VectorDimensionError);
      await expect(query).rejects.toMatchObject({ expected: store.dimension, actual: store.dimension - 1 });
    });
  });
}
