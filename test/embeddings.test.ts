/**
 * The embedding service against real things: the real all-MiniLM-L6-v2 model from the state
 * folder (bootstrap installs it), the real Postgres of the test run for the cache, and the
 * official OpenAI SDK against the provider emulator's /v1/embeddings.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadEnv } from '../platform/config.ts';
import { cacheModelKey, createCachedEmbedder } from '../core/embeddings/cached-embedder.ts';
import { createEmbedder, localModelDir } from '../core/embeddings/create-embedder.ts';
import { EmbeddingDimensionError, embedWithModel, type Embedder, type EmbeddingVector } from '../core/embeddings/embedder.ts';
import { createLocalMiniLmEmbedder, type LocalMiniLmEmbedder } from '../core/embeddings/local-minilm-embedder.ts';
import { createOpenAIEmbedder } from '../core/embeddings/openai-embedder.ts';
import { ProviderError } from '../core/providers/provider-error.ts';
import { createEmulator, type Emulator } from '../tooling/emulator/create-emulator.ts';
import { simulatedEmbedding } from '../tooling/emulator/openai-embeddings.ts';
import { createEmbeddingCacheStore, type EmbeddingCacheStore } from '../stores/embedding-cache.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';

const modelDir = localModelDir({ SOMA_STATE_DIR: resolve(process.env.SOMA_STATE_DIR ?? '.soma') });
const suffix = Date.now().toString(36);

function dot(a: EmbeddingVector, b: EmbeddingVector): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The real embedder, counting what reaches it: how the cache is seen to skip the model. */
function counting(inner: Embedder): Embedder & { calls: number; texts: string[] } {
  const counter = {
    ...inner,
    calls: 0,
    texts: [] as string[],
    embed(texts: readonly string[], options?: Parameters<Embedder['embed']>[1]) {
      counter.calls += 1;
      counter.texts.push(...texts);
      return inner.embed(texts, options);
    },
  };
  return counter;
}

let local: LocalMiniLmEmbedder;

describe('local all-MiniLM-L6-v2', () => {
  it('loads and embeds from local files only, with no network call', async () => {
    const realFetch = globalThis.fetch;
    let fetches = 0;
    globalThis.fetch = (() => {
      fetches += 1;
      throw new Error('the local embedder must not fetch');
    }) as typeof fetch;
    try {
      local = createLocalMiniLmEmbedder({ modelDir });
      const [vector] = await local.embed(['offline check']);
      expect(vector).toHaveLength(384);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetches).toBe(0);
    expect(local.id).toBe('local/all-MiniLM-L6-v2');
    expect(local.simulated).toBe(false);
  });

  it('gives 384-dimension unit vectors whose similarities make sense', async () => {
    const texts = [
      'How do I reset my password?',
      'Steps to recover a forgotten account password',
      'The cat sat on the warm windowsill.',
      'A kitten is sleeping in the sun by the window.',
      'Quarterly revenue grew 12% year over year.',
    ];
    const result = await embedWithModel(local, texts);
    expect(result.model).toBe('local/all-MiniLM-L6-v2');
    expect(result.dimension).toBe(384);
    for (const v of result.vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(384);
      expect(Math.abs(dot(v, v) - 1)).toBeLessThan(1e-5);
    }
    const [password, recover, cat, kitten, revenue] = result.vectors as [EmbeddingVector, EmbeddingVector, EmbeddingVector, EmbeddingVector, EmbeddingVector];
    // Paraphrases score far above unrelated pairs (published fp32 model: ~0.70 and ~0.5 vs ~0).
    expect(dot(password, recover)).toBeGreaterThan(dot(password, cat) + 0.4);
    expect(dot(password, recover)).toBeGreaterThan(dot(password, revenue) + 0.4);
    expect(dot(cat, kitten)).toBeGreaterThan(dot(cat, revenue) + 0.3);
    expect(dot(cat, kitten)).toBeGreaterThan(dot(cat, password) + 0.3);
  });

  it('is deterministic', async () => {
    const texts = ['same text, same vector', 'another one'];
    const first = await local.embed(texts);
    const second = await local.embed(texts);
    expect(second).toEqual(first);
  });

  it('truncates a long text to its first 254 tokens, keeping [SEP] last', async () => {
    // Common words that are one WordPiece token each, so token counts are word counts.
    const words = ['the', 'house', 'river', 'green', 'music', 'city', 'light', 'water', 'table', 'garden'];
    const long = Array.from({ length: 1200 }, (_, i) => words[(i * 7) % words.length]).join(' ');
    const prefix = long.split(' ').slice(0, 254).join(' ');
    expect(await local.countTokens(long)).toBe(1200);
    expect(await local.countTokens(prefix)).toBe(254);
    expect(local.maxInputTokens).toBe(254);
    const [longVector, prefixVector] = await local.embed([long, prefix]);
    // Same sequence in, same vector out: the cut kept [SEP] (cutting it off changes the vector).
    expect(dot(longVector!, prefixVector!)).toBeGreaterThan(0.9999);
    const [huge] = await local.embed(['word '.repeat(200_000)]);
    expect(Math.abs(dot(huge!, huge!) - 1)).toBeLessThan(1e-5);
  });

  it('keeps input order across length-sorted batches', async () => {
    const small = createLocalMiniLmEmbedder({ modelDir, batchSize: 8 });
    const texts = Array.from({ length: 30 }, (_, i) => `${'memory '.repeat((i * 7) % 23)}item number ${i} about ${i % 2 ? 'databases' : 'gardening'}`);
    const batched = await small.embed(texts);
    const oneByOne: EmbeddingVector[] = [];
    for (const text of texts.slice(0, 10)) oneByOne.push((await local.embed([text]))[0]!);
    // int8 activations are quantised per batch, so batching moves vectors by a hair, never more.
    oneByOne.forEach((single, i) => expect(dot(single, batched[i]!)).toBeGreaterThan(0.999));
    expect(await small.embed([])).toEqual([]);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('activity cancelled'));
    await expect(local.embed(['never embedded'], { signal: controller.signal })).rejects.toThrow('activity cancelled');
  });
});

describe('embedding cache (Postgres)', () => {
  let pool: Pool;
  let cache: EmbeddingCacheStore;

  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'), 2);
    cache = createEmbeddingCacheStore(pool);
    local ??= createLocalMiniLmEmbedder({ modelDir });
  });
  afterAll(async () => pool?.end());

  it('embeds each distinct text once, then answers from the cache', async () => {
    const model = counting(local);
    const cached = createCachedEmbedder(model, cache);
    const a = `alpha ${suffix}`;
    const b = `beta ${suffix}`;
    const c = `gamma ${suffix}`;

    const first = await cached.embed([a, b, a]);
    expect(model.texts).toEqual([a, b]);
    expect(first[2]).toEqual(first[0]);
    expect(dot(first[0]!, first[1]!)).toBeLessThan(0.999);

    const second = await cached.embed([a, b, a]);
    expect(model.calls).toBe(1);
    // Read back from pgvector bit for bit: float32 in, float32 out.
    expect(second).toEqual(first);

    const mixed = await cached.embed([c, b]);
    expect(model.texts).toEqual([a, b, c]);
    expect(mixed[1]).toEqual(first[1]);
    expect(mixed[0]).toEqual((await local.embed([c]))[0]);

    const { rows } = await pool.query('SELECT model, dimension, vector_dims(embedding) AS dims FROM embedding_cache WHERE model = $1 LIMIT 1', ['local/all-MiniLM-L6-v2']);
    expect(rows[0]).toEqual({ model: 'local/all-MiniLM-L6-v2', dimension: 384, dims: 384 });
  });

  it('writes misses back in groups, so a failure keeps what was embedded', async () => {
    const model = counting(local);
    let failAt = 2;
    const flaky: Embedder = {
      ...model,
      async embed(texts, options) {
        failAt -= 1;
        if (failAt === 0) throw new Error('provider down');
        return model.embed(texts, options);
      },
    };
    const texts = Array.from({ length: 6 }, (_, i) => `grouped ${i} ${suffix}`);
    await expect(createCachedEmbedder(flaky, cache, { groupSize: 3 }).embed(texts)).rejects.toThrow('provider down');
    expect(model.texts).toEqual(texts.slice(0, 3));
    await createCachedEmbedder(model, cache, { groupSize: 3 }).embed(texts);
    expect(model.texts).toEqual(texts);
  });

  it('keeps models, dimensions and simulated vectors apart', async () => {
    const text = `shared text ${suffix}`;
    const vector = Float32Array.from({ length: 4 }, (_, i) => i / 4);
    await cache.putMany('test/four', 4, [{ textSha256: Buffer.alloc(32, 1), vector }]);
    expect((await cache.getMany('test/four', 4, [Buffer.alloc(32, 1)])).size).toBe(1);
    expect((await cache.getMany('test/four', 8, [Buffer.alloc(32, 1)])).size).toBe(0);
    expect((await cache.getMany('test/other', 4, [Buffer.alloc(32, 1)])).size).toBe(0);
    expect(cacheModelKey({ ...local, simulated: true })).toBe('local/all-MiniLM-L6-v2#simulated');
    expect(cacheModelKey(local)).toBe('local/all-MiniLM-L6-v2');
    expect(text).toContain(suffix);
  });

  it('refuses vectors of the wrong dimension with a clear error', async () => {
    const wrong: Embedder = { id: 'test/wrong', dimension: 384, maxInputTokens: 10, simulated: false, embed: async (texts) => texts.map(() => new Float32Array(768)) };
    const error = await createCachedEmbedder(wrong, cache).embed([`wrong ${suffix}`]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingDimensionError);
    expect((error as Error).message).toBe('vector of dimension 768 for embedder test/wrong of dimension 384');
    await expect(cache.putMany('test/wrong', 384, [{ textSha256: Buffer.alloc(32, 2), vector: new Float32Array(3) }])).rejects.toThrow(EmbeddingDimensionError);
    const plain = new EmbeddingDimensionError(1536, 384);
    expect(plain.message).toBe('vector of dimension 1536 for a collection of dimension 384');
    expect([plain.actual, plain.expected]).toEqual([1536, 384]);
  });
});

describe('OpenAI embeddings through the SDK (emulator)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await createEmulator();
  });
  afterAll(async () => emulator?.close());
  beforeEach(() => emulator.reset());

  const openai = (extra: Partial<Parameters<typeof createOpenAIEmbedder>[0]> = {}) =>
    createOpenAIEmbedder({ model: 'text-embedding-3-small', apiKey: 'sk-test', baseURL: emulator.openaiBaseURL, simulated: true, ...extra });

  it('returns deterministic 1536-dimension unit vectors in input order', async () => {
    const embedder = openai();
    expect([embedder.id, embedder.dimension, embedder.maxInputTokens, embedder.simulated]).toEqual(['openai/text-embedding-3-small', 1536, 8191, true]);
    const texts = ['first', 'second', 'first'];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => v.length)).toEqual([1536, 1536, 1536]);
    expect(vectors[2]).toEqual(vectors[0]);
    expect(Math.abs(dot(vectors[0]!, vectors[0]!) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(dot(vectors[0]!, vectors[1]!))).toBeLessThan(0.2);
    expect(vectors[1]).toEqual(simulatedEmbedding('text-embedding-3-small', 'second', 1536));
    expect(emulator.stats().byEndpoint).toEqual({ '/v1/embeddings': 1 });
  });

  it('asks for shortened vectors with `dimensions`', async () => {
    const [short] = await openai({ dimensions: 256 }).embed(['shorter']);
    expect(short).toHaveLength(256);
    expect(short).toEqual(simulatedEmbedding('text-embedding-3-small', 'shorter', 256, 1536));
    const [large] = await openai({ model: 'text-embedding-3-large' }).embed(['larger']);
    expect(large).toHaveLength(3072);
    expect(() => openai({ model: 'text-embedding-ada-002', dimensions: 256 })).toThrow(ConfigError);
    expect(() => openai({ model: 'nomic-embed-text' })).toThrow(/EMBEDDING_DIMENSIONS/);
  });

  it('refuses a server that returns another size than configured', async () => {
    // The emulator answers 1536 for a model it does not know; 768 was configured.
    const error = await openai({ model: 'nomic-embed-text', dimensions: 768 }).embed(['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingDimensionError);
    expect((error as Error).message).toBe('vector of dimension 1536 for embedder openai/nomic-embed-text of dimension 768');
  });

  it('splits large inputs into requests and keeps their order', async () => {
    const texts = Array.from({ length: 7 }, (_, i) => `chunk ${i}`);
    const vectors = await openai({ maxBatchInputs: 3 }).embed(texts);
    expect(emulator.stats().byEndpoint['/v1/embeddings']).toBe(3);
    vectors.forEach((v, i) => expect(v).toEqual(simulatedEmbedding('text-embedding-3-small', texts[i]!, 1536)));
  });

  it('classifies a 429 as a retryable rate limit carrying Retry-After', async () => {
    emulator.injectFault({ status: 429, count: 1, retryAfterSeconds: 2 });
    const error = await openai().embed(['limited']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', kind: 'rate_limited', retryable: true, status: 429, retryAfterMs: 2000 });
  });

  it('retries a 429 inside the SDK when asked to', async () => {
    emulator.injectFault({ status: 429, count: 1, retryAfterSeconds: 0 });
    const [vector] = await openai({ maxRetries: 1 }).embed(['retried']);
    expect(vector).toEqual(simulatedEmbedding('text-embedding-3-small', 'retried', 1536));
    expect(emulator.stats()).toMatchObject({ total: 2, faultsInjected: 1 });
  });

  it('classifies an input over the context length as a non-retryable request error', async () => {
    const error = await openai().embed(['word '.repeat(9000)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ProviderError', kind: 'context_length', retryable: false, status: 400 });
  });

  it('speaks the plain JSON format too', async () => {
    const res = await fetch(`${emulator.openaiBaseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: ['two words', 'and three words'], dimensions: 8 }),
    });
    const body: any = await res.json();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-soma-simulated')).toBe('true');
    expect(body).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 5, total_tokens: 5 } });
    expect(body.data.map((d: any) => [d.object, d.index, d.embedding.length])).toEqual([['embedding', 0, 8], ['embedding', 1, 8]]);
    const bad = await fetch(`${emulator.openaiBaseURL}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'text-embedding-3-small', input: [] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
  });
});

describe('createEmbedder', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator();
  });
  afterAll(async () => emulator?.close());

  it('defaults to the local model', () => {
    const embedder = createEmbedder(loadEnv({ SOMA_STATE_DIR: process.env.SOMA_STATE_DIR ?? '.soma' }));
    expect([embedder.id, embedder.dimension, embedder.simulated]).toEqual(['local/all-MiniLM-L6-v2', 384, false]);
  });

  it('serves openai/<model> from the emulator without a key, labelled simulated', async () => {
    const embedder = createEmbedder(loadEnv({ EMBEDDING_MODEL: 'openai/text-embedding-3-small', EMBEDDING_DIMENSIONS: '512', EMULATOR_URL: emulator.url }));
    expect([embedder.id, embedder.dimension, embedder.simulated]).toEqual(['openai/text-embedding-3-small', 512, true]);
    expect((await embedder.embed(['hello']))[0]).toHaveLength(512);
  });

  it('sends openai/<model> to EMBEDDING_BASE_URL when set', async () => {
    const embedder = createEmbedder(loadEnv({ EMBEDDING_MODEL: 'openai/nomic-embed-text', EMBEDDING_DIMENSIONS: '1536', EMBEDDING_BASE_URL: emulator.openaiBaseURL }));
    expect([embedder.id, embedder.simulated]).toEqual(['openai/nomic-embed-text', false]);
    expect((await embedder.embed(['hello']))[0]).toHaveLength(1536);
  });

  it('refuses configurations that cannot work', () => {
    expect(() => createEmbedder(loadEnv({ EMBEDDING_MODEL: 'local/bge-small-en' }))).toThrow(ConfigError);
    expect(() => createEmbedder(loadEnv({ EMBEDDING_DIMENSIONS: '512' }))).toThrow(/fixed dimension of 384/);
    expect(() => loadEnv({ EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(ConfigError);
    // The shape passes config; the prefix is checked against the embedder registry.
    expect(() => createEmbedder(loadEnv({ EMBEDDING_MODEL: 'cohere/embed-v4' }))).toThrow(/cohere is not a registered embedder \(local\/<model>, openai\/<model>\)/);
  });
});
