import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('memory');
});
afterAll(async () => p?.close());

const docs = [
  {
    source: 'guides/durability.md',
    text: '# Durability\n\n## Worker crashes\n\nWhen a worker dies mid-call, Temporal notices the missed heartbeat and retries the activity on another worker.\n\n## Retries\n\nRate limits are retried with backoff that honours Retry-After.',
    metadata: { audience: 'operators', year: 2026 },
  },
  {
    source: 'guides/prompts.html',
    text: '<html><head><title>Prompt templates</title></head><body><nav>menu</nav><h1>Prompt templates</h1><p>Templates are written in Nunjucks and every version is immutable.</p><h2>Labels</h2><p>A label such as production points at one version.</p></body></html>',
    metadata: { audience: 'developers', year: 2025 },
  },
  { source: 'notes.txt', text: 'Budgets stop spending: a request over its daily limit gets a 402 answer.\n\nOr it is downgraded to a cheaper model.', metadata: { audience: 'finance', year: 2026 } },
];

async function search(body: Record<string, unknown>, key = t.key) {
  const res = await p.call('/v1/search', { key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Array<{ id: string; text: string; score: number; ranks: { dense?: number; keyword?: number }; source: Record<string, unknown> }>;
}

describe('memory: ingestion and search', () => {
  it('ingests text, markdown and HTML into chunks that dense, keyword and hybrid search find', async () => {
    const res = await p.call('/v1/memory/documents', { key: t.key, body: { collection: 'guides', documents: docs, wait: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ object: 'ingestion', total: 3, done: 3 });
    expect(res.body.documents.map((d: { status: string }) => d.status)).toEqual(['ready', 'ready', 'ready']);
    expect(res.body.chunks_embedded).toBe(res.body.chunks_total);

    // Meaning, not words: no query term appears in the answer's text.
    const dense = await search({ query: 'what happens if a machine running jobs goes down?', mode: 'dense', sources: ['documents'], k: 3 });
    expect(dense[0]!.text).toContain('worker dies');
    expect(dense[0]!.source).toMatchObject({ type: 'document', source: 'guides/durability.md', collection: 'guides', heading_path: 'Durability > Worker crashes' });
    const keyword = await search({ query: 'Nunjucks immutable', mode: 'keyword', sources: ['documents'] });
    expect(keyword[0]!.source).toMatchObject({ source: 'guides/prompts.html', title: 'Prompt templates' });
    expect(keyword.every((h) => h.ranks.keyword !== undefined && h.ranks.dense === undefined)).toBe(true);
    const hybrid = await search({ query: 'daily spending limit 402', sources: ['documents'], k: 3 });
    expect(hybrid[0]!.source).toMatchObject({ source: 'notes.txt' });
    expect(hybrid[0]!.ranks).toMatchObject({ dense: expect.any(Number), keyword: expect.any(Number) });
    // HTML chrome (the nav) is not content.
    expect((await search({ query: 'menu', mode: 'keyword', sources: ['documents'] })).length).toBe(0);
  });

  it('filters by collection and by document metadata', async () => {
    const filtered = await search({ query: 'retries and versions', sources: ['documents'], metadata: { audience: { $in: ['developers', 'finance'] }, year: { $gte: 2026 } } });
    expect(new Set(filtered.map((h) => h.source.source))).toEqual(new Set(['notes.txt']));
    expect(await search({ query: 'retries', sources: ['documents'], collections: ['other'] })).toEqual([]);
    // Another tenant sees nothing of it.
    const other = await p.newTenant('memory-other');
    expect(await search({ query: 'worker crashes', sources: ['documents'] }, other.key)).toEqual([]);
  });

  it('does nothing for unchanged documents, replaces changed ones, and deletes everywhere', async () => {
    const again = await p.call('/v1/memory/documents', { key: t.key, body: { collection: 'guides', documents: docs, wait: true } });
    expect(again.body.documents.map((d: { status: string }) => d.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    const changed = await p.call('/v1/memory/documents', { key: t.key, body: { collection: 'guides', documents: [{ source: 'notes.txt', text: 'Quotas are now enforced per API key with a monthly cap.' }], wait: true } });
    expect(changed.body.documents[0].status).toBe('ready');
    const old = await search({ query: 'daily limit 402 downgraded', sources: ['documents'], mode: 'keyword' });
    expect(old.some((h) => h.source.source === 'notes.txt')).toBe(false);
    const fresh = await search({ query: 'monthly cap per API key', sources: ['documents'], k: 1 });
    expect(fresh[0]!.source.source).toBe('notes.txt');

    const list = await p.call('/v1/memory/documents?collection=guides', { key: t.key });
    const notes = (list.body.data as Array<{ id: string; source: string }>).find((d) => d.source === 'notes.txt')!;
    expect((await p.call(`/v1/memory/documents/${notes.id}`, { key: t.key, method: 'DELETE' })).status).toBe(200);
    expect((await search({ query: 'monthly cap per API key', sources: ['documents'], mode: 'dense', k: 10 })).some((h) => h.source.source === 'notes.txt')).toBe(false);
    const { rows } = await p.pool.query('SELECT count(*)::int AS n FROM memory_vectors_d384 WHERE tenant_id = $1 AND metadata @> $2', [t.tenantId, JSON.stringify({ document_id: notes.id })]);
    expect(rows[0].n).toBe(0);
    expect((await p.call(`/v1/memory/documents/${notes.id}`, { key: t.key })).status).toBe(404);
  });

  it('makes conversation messages searchable by meaning, off the request path', async () => {
    const conv = await p.call('/v1/conversations', { key: t.key, body: { title: 'holiday' } });
    await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', conversation: conv.body.id, messages: [{ role: 'user', content: 'I am planning a trip to the mountains of Norway in winter' }] } });
    await expect
      .poll(async () => (await search({ query: 'Scandinavian ski holiday', sources: ['conversations'], mode: 'dense', k: 1 }))[0]?.source, { timeout: 20_000, interval: 300 })
      .toMatchObject({ type: 'conversation', conversation_id: conv.body.id, role: 'user' });
    const byRole = await search({ query: 'trip Norway', sources: ['conversations'], role: 'assistant', conversation: conv.body.id });
    expect(byRole.every((h) => h.source.role === 'assistant')).toBe(true);
    expect(await search({ query: 'trip Norway', sources: ['conversations'], from: '2999-01-01T00:00:00Z' })).toEqual([]);
    expect((await search({ query: 'trip Norway', sources: ['conversations'], from: new Date(Date.now() - 3_600_000).toISOString() })).length).toBeGreaterThan(0);
    expect((await p.call('/v1/search', { key: t.key, body: { query: 'x', from: 'yesterday' } })).status).toBe(400);
  });

  it('refuses bad input with clear errors', async () => {
    const both = await p.call('/v1/memory/documents', { key: t.key, body: { documents: [{ source: 'x', text: 'a', url: 'http://x' }] } });
    expect(both.status).toBe(400);
    const dup = await p.call('/v1/memory/documents', { key: t.key, body: { documents: [{ source: 'x', text: 'a' }, { source: 'x', text: 'b' }] } });
    expect(dup.status).toBe(400);
    const badFilter = await p.call('/v1/search', { key: t.key, body: { query: 'x', metadata: { year: { $between: 1 } } } });
    expect(badFilter.status).toBe(400);
    expect((await p.call('/v1/search', { key: t.key, body: { query: '' } })).status).toBe(400);
    expect((await p.call('/v1/memory/documents/doc_nope', { key: t.key })).status).toBe(404);
    // BM25 and fusion parameters are checked too.
    expect((await p.call('/v1/search', { key: t.key, body: { query: 'x', bm25: { k1: -1 } } })).body.error.code).toBe('validation_failed');
    expect((await p.call('/v1/search', { key: t.key, body: { query: 'x', fusion: { method: 'max' } } })).status).toBe(400);
    expect((await p.call('/v1/search', { key: t.key, body: { query: 'x', fusion: { alpha: 2 } } })).status).toBe(400);
  });

  it('fuses with RRF by default, or with weighted normalised scores when asked; keyword scores are BM25', async () => {
    const body = { query: 'worker crash retries heartbeat', sources: ['documents'], collections: ['guides'], k: 5 };
    const rrf = await search(body);
    // RRF of ranks: 1/(60 + dense rank) + 1/(60 + keyword rank).
    for (const h of rrf) expect(h.score).toBeCloseTo((h.ranks.dense ? 1 / (60 + h.ranks.dense) : 0) + (h.ranks.keyword ? 1 / (60 + h.ranks.keyword) : 0), 5);
    const weighted = await search({ ...body, fusion: { method: 'weighted', alpha: 0.5 } });
    expect(weighted[0]!.score).toBeGreaterThan(0.5);
    expect(weighted.every((h) => h.score <= 1)).toBe(true);
    // alpha 1: dense alone decides the order.
    const denseOnly = await search({ ...body, fusion: { method: 'weighted', alpha: 1 } });
    const dense = await search({ ...body, mode: 'dense' });
    expect(denseOnly.filter((h) => h.ranks.dense).map((h) => h.id)).toEqual(dense.map((h) => h.id).filter((id) => denseOnly.some((h) => h.id === id)));
    // Keyword hits carry their BM25 score, best first; k1 and b move them.
    const keyword = await search({ ...body, mode: 'keyword' });
    expect(keyword.length).toBeGreaterThan(0);
    expect(keyword.map((h) => h.score)).toEqual([...keyword.map((h) => h.score)].sort((a, b) => b - a));
    const flat = await search({ ...body, mode: 'keyword', bm25: { k1: 0, b: 0 } });
    expect(flat[0]!.score).not.toBeCloseTo(keyword[0]!.score, 3);
  });
});

describe('memory: ingestion progress', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    source: `progress/doc-${i}.md`,
    text: `# Document ${i}\n\n${Array.from({ length: 30 }, (_, j) => `Paragraph ${j} of document ${i} explains durable ingestion step ${j * i} in plain words.`).join('\n\n')}`,
  }));

  it('answers GET on the ingestion run with documents and chunks done, rate and ETA, advancing to 100%', async () => {
    const started = await p.call('/v1/memory/documents', { key: t.key, body: { collection: 'progress', documents: many } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const seen: Array<{ status: string; done: number; chunks_embedded: number; progress: number }> = [];
    let last: any;
    await expect
      .poll(
        async () => {
          const res = await p.call(`/v1/memory/ingestions/${id}`, { key: t.key });
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          last = res.body;
          seen.push(res.body);
          return res.body.status;
        },
        { timeout: 120_000, interval: 100 },
      )
      .toBe('completed');
    expect(seen.some((s) => s.status === 'running')).toBe(true);
    // Monotonic: nothing ever goes backwards.
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
      expect(seen[i]!.chunks_embedded).toBeGreaterThanOrEqual(seen[i - 1]!.chunks_embedded);
      expect(seen[i]!.progress).toBeGreaterThanOrEqual(seen[i - 1]!.progress);
    }
    expect(last).toMatchObject({ id, object: 'ingestion', status: 'completed', total: 12, done: 12, progress: 1, eta_seconds: 0 });
    expect(last.chunks_embedded).toBe(last.chunks_total);
    expect(last.chunks_total).toBeGreaterThan(12);
    expect(last.chunks_per_second).toBeGreaterThan(0);
    expect(last.documents.every((d: { status: string }) => d.status === 'ready')).toBe(true);
    // Another tenant, or an id that is not an ingestion, is a 404.
    const other = await p.newTenant('memory-progress-other');
    expect((await p.call(`/v1/memory/ingestions/${id}`, { key: other.key })).body.error.code).toBe('ingestion_not_found');
    expect((await p.call('/v1/memory/ingestions/not-an-ingestion', { key: t.key })).status).toBe(404);
    expect((await p.call('/v1/memory/ingestions/ingest-ten_x-nope', { key: t.key })).status).toBe(404);
  });

  it('shows a progress bar in the CLI and ends with the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soma-memory-cli-'));
    const files = many.slice(0, 4).map((d, i) => {
      const file = join(dir, `cli-${i}.md`);
      writeFileSync(file, d.text.replace('Document', 'CLI document'));
      return file;
    });
    const cli = fileURLToPath(new URL('../cli/bin/somaagent.mjs', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SOMAAGENT_')) env[k] = v;
      const child = spawn(process.execPath, [cli, 'memory', 'ingest', '--collection', 'cli', '--interval', '100', ...files], {
        env: { ...env, HOME: dir, SOMAAGENT_CONFIG: join(dir, 'config.json'), SOMAAGENT_BASE_URL: p.apiUrl, SOMAAGENT_API_KEY: t.key, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    // Not a terminal: one bar line per change, the last one full.
    const bars = result.stderr.split('\n').filter((l) => l.startsWith('['));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.at(-1)).toMatch(/^\[#{24}\] 100% {2}docs 4\/4 {2}chunks (\d+)\/\1/);
    expect(result.stdout).toMatch(/completed, 4 ready; \d+ chunks in/);
  });
});
