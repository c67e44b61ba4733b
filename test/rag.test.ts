import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleContext } from '../core/memory/context-assembly.ts';
import { checkCitations, renderSources } from '../core/memory/context-passages.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('rag');
  const res = await p.call('/v1/memory/documents', {
    key: t.key,
    body: {
      collection: 'handbook',
      wait: true,
      documents: [
        { source: 'leave.md', text: '# Leave\n\nEmployees get 25 days of paid holiday a year. Unused days carry over until March.' },
        { source: 'travel.md', text: '# Travel\n\nTrain travel is preferred for trips under four hours. Flights need a manager approval.' },
      ],
    },
  });
  expect(res.status).toBe(200);
});
afterAll(async () => p?.close());

describe('RAG', () => {
  it('answers from retrieved passages, and every citation points at a passage in the context', async () => {
    const res = await p.call('/v1/rag', { key: t.key, body: { question: 'How many days of paid holiday do employees get?', model: 'gpt-4o-mini', collections: ['handbook'], k: 3 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.object).toBe('rag');
    expect(res.body.context[0]).toMatchObject({ label: '1', source: { type: 'document', source: 'leave.md' } });
    // The emulator echoes the prompt, so the "answer" quotes the sources and their labels: what
    // matters here is the plumbing — the context was in the prompt and citations are checked.
    const labels = new Set(res.body.context.map((c: { label: string }) => c.label));
    for (const c of res.body.citations) expect(labels.has(c.label)).toBe(true);
    expect(res.body.invalid_citations).toEqual([]);
    expect(res.body.completion).toMatchObject({ object: 'completion', model: 'gpt-4o-mini' });
    expect(res.body.completion.usage.input_tokens).toBeGreaterThan(20);
    // The run holds the same answer, in the same shape.
    const run = await p.call(`/v1/runs/${res.body.id}`, { key: t.key });
    expect(run.body.result).toMatchObject({ object: 'rag', invalid_citations: [], answer: res.body.answer });
    // The answer is its own completion run, owned by the tenant like any other.
    expect((await p.call(`/v1/runs/${res.body.completion.id}`, { key: t.key })).body.status).toBe('completed');
  });

  it('says it does not know, without calling a model, when nothing is retrieved', async () => {
    const before = p.emulator.stats().total;
    const res = await p.call('/v1/rag', { key: t.key, body: { question: 'What is the parking policy?', model: 'gpt-4o-mini', collections: ['nothing-here'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ citations: [], context: [], completion: null });
    expect(res.body.answer).toMatch(/could not find/);
    expect(p.emulator.stats().total).toBe(before);
  });

  it('injects memory into a chat completion and records what was injected', async () => {
    const res = await p.call('/v1/completions', {
      key: t.key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Do I need approval to fly to a conference?' }], memory: { collections: ['handbook'], k: 2 } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.memory.injected[0]).toMatchObject({ label: '1', source: { source: 'travel.md' } });
    // The context went to the model: input tokens cover more than the question.
    expect(res.body.usage.input_tokens).toBeGreaterThan(30);
  });

  it('refuses bad requests', async () => {
    expect((await p.call('/v1/rag', { key: t.key, body: { question: '' } })).status).toBe(400);
    const both = await p.call('/v1/rag', { key: t.key, body: { question: 'x', model: 'gpt-4o-mini', policy: 'p' } });
    expect(both.status).toBe(400);
  });
});

describe('context assembly and citation checks', () => {
  const hit = (id: string, text: string, score: number) => ({ id, text, score, ranks: {}, source: { type: 'document' as const, document_id: 'd', source: 's', title: 't', collection: 'c', seq: 0, heading_path: '' } });

  it('keeps the best distinct passages that fit the budget, numbered for citing', () => {
    const passages = assembleContext([hit('a', 'alpha beta', 0.9), hit('b', 'Alpha  beta', 0.8), hit('c', 'word '.repeat(500), 0.7), hit('d', 'delta', 0.6)], 100);
    expect(passages.map((p) => [p.label, p.id])).toEqual([['1', 'a'], ['2', 'd']]);
  });

  it('separates citations backed by the context from ones that are not', () => {
    const passages = assembleContext([hit('a', 'one', 1), hit('b', 'two', 0.9), hit('c', 'three', 0.8)], 1000);
    expect(checkCitations('First [1]. Second [3][1]. Made up [9].', passages)).toEqual({ cited: ['1', '3'], invalid: ['9'] });
    expect(renderSources(passages)).toContain('[2] (t)\ntwo');
  });
});
