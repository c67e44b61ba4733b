import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { readSse, type SseEvent } from './support/sse.ts';
import { registerLocalModels } from './support/local-models.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };
const suffix = Date.now().toString(36);
const [A, B] = ['a', 'b'].map((n) => `local/stream-${n}-${suffix}`) as [string, string];
const providerModel = (id: string) => id.slice('local/'.length);

beforeAll(async () => {
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '2', BREAKER_FAILURE_THRESHOLD: '50' } });
  t = await p.newTenant();
  await registerLocalModels(p, [A, B]);
});
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

const ask = (extra: Record<string, unknown>) => ({ messages: [{ role: 'user', content: 'please stream these words back to me' }], stream: true, ...extra });

async function openStream(body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${p.apiUrl}/v1/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal && { signal }),
  });
}

async function allEvents(body: unknown): Promise<SseEvent[]> {
  const res = await openStream(body);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  for await (const event of readSse(res.body!)) events.push(event);
  return events;
}

const texts = (events: SseEvent[]) => events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
const last = (events: SseEvent[]) => events.at(-1)!;

describe('streamed completions', () => {
  it('sends the run id, then text as it arrives, then the result that matches it', async () => {
    p.emulator.configure({ chunkDelayMs: 15 });
    const events = await allEvents(ask({ model: A }));
    expect(events[0]).toMatchObject({ event: 'run', data: { object: 'run', kind: 'completion', model: A } });
    const runId = (events[0]!.data as { id: string }).id;
    // Tokens came one publish at a time, not as one block at the end.
    expect(texts(events).length).toBeGreaterThan(2);
    expect(last(events)).toMatchObject({ event: 'completion', data: { id: runId, model: A, fallback_depth: 0 } });
    const result = last(events).data as { text: string; usage: { output_tokens: number } };
    expect(texts(events).join('')).toBe(result.text);
    expect(result.usage.output_tokens).toBeGreaterThan(0);
    // The workflow's result is the source of truth: the run holds the same text.
    const run = await p.call(`/v1/runs/${runId}`, { key: t.key });
    expect(run.body).toMatchObject({ status: 'completed' });
  });

  it('records the time to first token of a streamed attempt', async () => {
    p.emulator.configure({ chunkDelayMs: 10, latencyMs: 30 });
    const events = await allEvents(ask({ model: A }));
    const runId = (events[0]!.data as { id: string }).id;
    await p.metrics.flush();
    const { rows } = await p.pool.query('SELECT ttft_ms, latency_ms FROM model_attempt_metrics WHERE run_id = $1', [runId]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].ttft_ms)).toBeGreaterThanOrEqual(30);
    expect(Number(rows[0].ttft_ms)).toBeLessThan(Number(rows[0].latency_ms));
  });

  it('tells the client when a connection drop mid-answer makes the model start over', async () => {
    p.emulator.configure({ chunkDelayMs: 10 });
    p.emulator.injectFault({ status: 'drop_mid_stream', count: 1, model: providerModel(A) });
    const events = await allEvents(ask({ model: A }));
    const retryAt = events.findIndex((e) => e.event === 'retry');
    expect(retryAt).toBeGreaterThan(0);
    expect(events[retryAt]!.data).toMatchObject({ model: A, attempt: 2, fallback_depth: 0, error: 'connection', discard_text: true });
    // Text before the retry was sent; the client is told to drop it, and what follows is whole.
    expect(texts(events.slice(0, retryAt)).length).toBeGreaterThan(0);
    const result = last(events).data as { text: string; attempts: number };
    expect(last(events).event).toBe('completion');
    expect(texts(events.slice(retryAt)).join('')).toBe(result.text);
    expect(result.attempts).toBe(2);
  });

  it('signals a fallback to the next model as an event, never as spliced text', async () => {
    p.emulator.configure({ chunkDelayMs: 5 });
    p.emulator.injectFault({ status: 'drop_mid_stream', count: 2, model: providerModel(A) });
    const events = await allEvents(ask({ models: [A, B] }));
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'retry')).toHaveLength(1);
    const fallbackAt = names.indexOf('fallback');
    expect(events[fallbackAt]!.data).toMatchObject({ from: A, to: B, fallback_depth: 1, error: 'connection', discard_text: true });
    expect(last(events)).toMatchObject({ event: 'completion', data: { model: B, fallback_depth: 1 } });
    expect(texts(events.slice(fallbackAt)).join('')).toBe((last(events).data as { text: string }).text);
  });

  it('ends with an error event when no model can answer', async () => {
    p.emulator.injectFault({ status: 'content_policy', count: 1, model: providerModel(A) });
    const events = await allEvents(ask({ models: [A, B] }));
    expect(events.map((e) => e.event)).toEqual(['run', 'error']);
    expect(last(events).data).toMatchObject({ status: 400, error: { type: 'invalid_request_error', code: 'content_policy' } });
    expect((last(events).data as { error: { request_id: string } }).error.request_id).toMatch(/^req_/);
  });

  it('cancels the run when the client goes away', async () => {
    p.emulator.configure({ chunkDelayMs: 300 });
    const abort = new AbortController();
    const res = await openStream(ask({ model: A }), abort.signal);
    const reader = readSse(res.body!);
    const first = await reader.next();
    const runId = (first.value as SseEvent).data as { id: string };
    abort.abort();
    const handle = p.client.workflow.getHandle(runId.id);
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 15_000, interval: 200 }).toBe('CANCELLED');
    const { rows } = await p.pool.query('SELECT status, error_kind FROM completions WHERE run_id = $1', [runId.id]);
    expect(rows[0]).toMatchObject({ status: 'failed', error_kind: 'cancelled' });
  });

  it('refuses stream together with background, before starting anything', async () => {
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ model: A, background: true }) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(JSON.stringify(res.body)).toContain('incompatible_options');
  });

  it('answers a request error as JSON, not as a stream', async () => {
    const res = await p.call('/v1/completions', { key: t.key, body: ask({ model: 'no-such-model' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('streamed completions through Redis', () => {
  let r: TestPlatform;
  beforeAll(async () => {
    r = await startTestPlatform({ localModels: true, env: { REDIS_URL: inject('redisUrl') } });
  });
  afterAll(async () => r?.close());

  it('relays the tokens over Redis pub/sub when REDIS_URL is set', async () => {
    r.emulator.configure({ chunkDelayMs: 10 });
    const tenant = await r.newTenant();
    const res = await fetch(`${r.apiUrl}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask({ model: A })),
    });
    const events: SseEvent[] = [];
    for await (const event of readSse(res.body!)) events.push(event);
    expect(texts(events).length).toBeGreaterThan(2);
    expect(last(events).event).toBe('completion');
    expect(texts(events).join('')).toBe((last(events).data as { text: string }).text);
  });
});
