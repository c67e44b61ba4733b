import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBm25, CONVERSATIONS_SCOPE, DEFAULT_BM25, type Bm25 } from '../core/memory/bm25.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { createDocumentStore, type DocumentStore } from '../stores/documents.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { createConversationStore } from '../stores/conversations.ts';
import type { Chunk } from '../core/memory/chunker.ts';

let pool: Pool;
let bm25: Bm25;
let documents: DocumentStore;

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 2);
  bm25 = createBm25(pool);
  documents = createDocumentStore(pool);
});
afterAll(async () => pool?.end());

const tenant = async (name: string) => (await createTenantStore(pool).create(`bm25 ${name}`)).id;

/** One document of one chunk per text (no heading), through the store ingestion uses. */
async function put(tenantId: string, collection: string, source: string, texts: string[]): Promise<string> {
  const chunks: Chunk[] = texts.map((text, seq) => ({ seq, text, headingPath: '', tokenCount: 1, contentHash: `${source}-${seq}-${text}` }));
  const { document } = await documents.prepare({ tenantId, collection, source, title: source, mime: 'text/plain', contentHash: texts.join('|'), metadata: {} }, chunks);
  return document.id;
}

/** Lucene's IDF and BM25's term weight, written out: the numbers the test expects. */
const idf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
const termScore = (tf: number, len: number, avgdl: number, k1 = 1.2, b = 0.75) => (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len) / avgdl));

// Words that are their own 'english' lexeme (no stemming, no stop word), so lengths are plain counts.
const CORPUS = ['zebra lion', 'zebra zebra tiger', 'tiger wolf otter panda'];

describe('BM25 in Postgres', () => {
  it('scores a hand-computed corpus exactly (k1 = 1.2, b = 0.75, Lucene IDF)', async () => {
    const t = await tenant('exact');
    for (const [i, text] of CORPUS.entries()) await put(t, 'c', `d${i}`, [text]);
    // N = 3, lengths 2, 3, 4: avgdl = 3. df(zebra) = 2, df(tiger) = 2, df(wolf) = 1.
    const lucene = { k1: 1.2, b: 0.75 };
    const zebra = await bm25.chunks({ tenantId: t, query: 'zebra', limit: 10, parameters: lucene });
    expect(zebra.map((h) => h.score)).toEqual([
      expect.closeTo(idf(3, 2) * termScore(2, 3, 3), 9),
      expect.closeTo(idf(3, 2) * termScore(1, 2, 3), 9),
    ]);
    expect(zebra[0]!.id).toMatch(/-0$/);
    // Two terms add up; a rare term (wolf) outweighs a common one (tiger).
    const both = await bm25.chunks({ tenantId: t, query: 'tiger wolf', limit: 10, parameters: lucene });
    expect(both[0]!.score).toBeCloseTo(idf(3, 2) * termScore(1, 4, 3) + idf(3, 1) * termScore(1, 4, 3), 9);
    expect(both[1]!.score).toBeCloseTo(idf(3, 2) * termScore(1, 3, 3), 9);
    // A repeated query term counts twice; stop words and unknown terms add nothing.
    const twice = await bm25.chunks({ tenantId: t, query: 'the zebra and zebra, unicorn', limit: 1, parameters: lucene });
    expect(twice[0]!.score).toBeCloseTo(2 * idf(3, 2) * termScore(2, 3, 3), 9);
    // Without parameters: the defaults (k1 0.9, b 0.4).
    expect(DEFAULT_BM25).toEqual({ k1: 0.9, b: 0.4 });
    const byDefault = await bm25.chunks({ tenantId: t, query: 'zebra', limit: 1 });
    expect(byDefault[0]!.score).toBeCloseTo(idf(3, 2) * termScore(2, 3, 3, 0.9, 0.4), 9);
    // Punctuation separates words ("zebra-lion" is zebra and lion), in documents and queries alike.
    await put(t, 'p', 'punct', ['zebra-lion/tiger.wolf']);
    expect(await bm25.statistics(t, 'p', ['zebra', 'lion', 'tiger', 'wolf', 'zebra-lion'])).toEqual({ n: 1, totalLength: 4, df: { zebra: 1, lion: 1, tiger: 1, wolf: 1 } });
    expect(await bm25.chunks({ tenantId: t, query: 'lion:tiger', limit: 5, collections: ['p'] })).toHaveLength(1);
    // k1 and b are the caller's: b = 0 ignores length, k1 = 0 only counts presence.
    const noLength = await bm25.chunks({ tenantId: t, query: 'zebra', limit: 10, collections: ['c'], parameters: { k1: 1.2, b: 0 } });
    expect(noLength.map((h) => h.score)).toEqual([expect.closeTo(idf(3, 2) * termScore(2, 3, 3, 1.2, 0), 9), expect.closeTo(idf(3, 2) * termScore(1, 2, 3, 1.2, 0), 9)]);
    const presence = await bm25.chunks({ tenantId: t, query: 'zebra', limit: 10, collections: ['c'], parameters: { k1: 0, b: 0.75 } });
    expect(presence.map((h) => h.score)).toEqual([expect.closeTo(idf(3, 2), 9), expect.closeTo(idf(3, 2), 9)]);
    await expect(bm25.chunks({ tenantId: t, query: 'zebra', limit: 1, parameters: { k1: 1, b: 2 } })).rejects.toThrow(RangeError);
  });

  it('keeps the statistics right after updates and deletes', async () => {
    const t = await tenant('updates');
    const ids = [];
    for (const [i, text] of CORPUS.entries()) ids.push(await put(t, 'c', `d${i}`, [text]));
    expect(await bm25.statistics(t, 'c', ['zebra', 'tiger', 'wolf'])).toEqual({ n: 3, totalLength: 9, df: { zebra: 2, tiger: 2, wolf: 1 } });
    // Replacing a document's content (re-ingestion) swaps its terms.
    await put(t, 'c', 'd2', ['wolf moose']);
    expect(await bm25.statistics(t, 'c', ['zebra', 'tiger', 'wolf', 'otter', 'moos'])).toEqual({ n: 3, totalLength: 7, df: { zebra: 2, tiger: 1, wolf: 1, moos: 1 } });
    // An update of the text in place, and an update that only marks chunks embedded.
    await pool.query(`UPDATE document_chunks SET text = 'koala koala koala koala' WHERE document_id = $1`, [ids[0]]);
    const chunkIds = (await pool.query<{ id: string }>('SELECT id FROM document_chunks WHERE tenant_id = $1', [t])).rows.map((r) => r.id);
    await documents.markEmbedded(t, chunkIds);
    expect(await bm25.statistics(t, 'c', ['zebra', 'lion', 'koala'])).toEqual({ n: 3, totalLength: 9, df: { zebra: 1, koala: 1 } });
    // Deleting a document (its chunks go by cascade) removes them from N, lengths and df.
    await documents.delete(t, ids[1]!);
    expect(await bm25.statistics(t, 'c', ['zebra', 'tiger', 'koala'])).toEqual({ n: 2, totalLength: 6, df: { koala: 1 } });
    const hits = await bm25.chunks({ tenantId: t, query: 'koala', limit: 5, parameters: { k1: 1.2, b: 0.75 } });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.score).toBeCloseTo(idf(2, 1) * termScore(4, 4, 3), 9);
    // The last document gone: the scope is gone, and nothing is found.
    await documents.delete(t, ids[0]!);
    await pool.query('DELETE FROM documents WHERE tenant_id = $1', [t]);
    expect(await bm25.statistics(t, 'c', ['koala'])).toEqual({ n: 0, totalLength: 0, df: {} });
    expect(await bm25.chunks({ tenantId: t, query: 'koala wolf', limit: 5 })).toEqual([]);
  });

  it("keeps tenants' and collections' statistics apart", async () => {
    const [a, b] = [await tenant('a'), await tenant('b')];
    for (const [i, text] of CORPUS.entries()) await put(a, 'c', `d${i}`, [text]);
    const before = await bm25.chunks({ tenantId: a, query: 'zebra wolf', limit: 10 });
    // Another tenant floods the same collection name with "zebra": a's IDF must not move.
    for (let i = 0; i < 20; i++) await put(b, 'c', `z${i}`, ['zebra zebra yak']);
    // And a's other collection too.
    await put(a, 'other', 'x', ['zebra bison bison']);
    const after = await bm25.chunks({ tenantId: a, query: 'zebra wolf', limit: 10, collections: ['c'] });
    expect(after).toEqual(before);
    expect((await bm25.statistics(a, 'c', ['zebra'])).df).toEqual({ zebra: 2 });
    expect((await bm25.statistics(b, 'c', ['zebra'])).df).toEqual({ zebra: 20 });
    // b never sees a's documents, and a's searches never return b's.
    expect(await bm25.chunks({ tenantId: b, query: 'wolf', limit: 10 })).toEqual([]);
    const all = await bm25.chunks({ tenantId: a, query: 'zebra', limit: 50 });
    expect(all).toHaveLength(3);
    // Each collection scores with its own statistics: the 'other' chunk is alone there (N = 1, df = 1).
    const other = all.find((h) => h.id.includes('-0') && !before.some((x) => x.id === h.id))!;
    expect(other.score).toBeCloseTo(idf(1, 1) * termScore(1, 3, 3, DEFAULT_BM25.k1, DEFAULT_BM25.b), 9);
  });

  it('scores conversation messages with their own per-tenant statistics', async () => {
    const t = await tenant('messages');
    const conversations = createConversationStore(pool);
    const conversation = await conversations.create(t, {});
    await conversations.append(t, conversation.id, CORPUS.map((content) => ({ role: 'user' as const, content })));
    // A document with the same words does not touch the messages' scope.
    await put(t, 'c', 'doc', ['zebra zebra zebra']);
    expect(await bm25.statistics(t, CONVERSATIONS_SCOPE, ['zebra'])).toEqual({ n: 3, totalLength: 9, df: { zebra: 2 } });
    const hits = await bm25.messages({ tenantId: t, query: 'zebra', limit: 10, conversationId: conversation.id, parameters: { k1: 1.2, b: 0.75 } });
    expect(hits.map((h) => h.score)).toEqual([expect.closeTo(idf(3, 2) * termScore(2, 3, 3), 9), expect.closeTo(idf(3, 2) * termScore(1, 2, 3), 9)]);
    await conversations.delete(t, conversation.id);
    expect(await bm25.statistics(t, CONVERSATIONS_SCOPE, ['zebra'])).toEqual({ n: 0, totalLength: 0, df: {} });
  });
});
