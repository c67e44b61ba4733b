/**
 * The provider emulator's wire formats, checked with plain fetch so nothing SDK-shaped hides a
 * mistake: JSON bodies, SSE frames, vendor error bodies, Retry-After, the control API and stats.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../tooling/emulator/create-emulator.ts';

let emulator: Emulator;

/** Bodies are asserted field by field, so a loose type keeps those assertions readable. */
const json = (res: Response): Promise<any> => res.json();

beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});

const USER_TEXT = 'please summarise the quarterly numbers for me';
const EXPECTED_TEXT = `[simulated] You said: ${USER_TEXT}`;

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal && { signal }),
  });
}

function openAIBody(extra: Record<string, unknown> = {}) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: USER_TEXT }], ...extra };
}

function anthropicBody(extra: Record<string, unknown> = {}) {
  return { model: 'claude-haiku-4-5', max_tokens: 256, system: 'be brief', messages: [{ role: 'user', content: USER_TEXT }], ...extra };
}

/** Splits an SSE body into frames of `{ event, data }`, failing on anything not SSE-shaped. */
function parseSse(body: string): { event: string | undefined; data: string }[] {
  expect(body.endsWith('\n\n')).toBe(true);
  return body
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      let event: string | undefined;
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data = line.slice('data: '.length);
        else throw new Error(`not an SSE line: ${line}`);
      }
      return { event, data };
    });
}

interface OpenAIChunk {
  object: string;
  model: string;
  choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

describe('OpenAI chat completions', () => {
  it('answers JSON in the real shape, labelled simulated', async () => {
    const res = await post('/v1/chat/completions', openAIBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-soma-simulated')).toBe('true');
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await json(res);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: EXPECTED_TEXT }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(typeof body.created).toBe('number');
  });

  it('truncates at max_tokens (and max_completion_tokens) with finish_reason length', async () => {
    for (const limit of [{ max_tokens: 4 }, { max_completion_tokens: 4 }]) {
      const body = await json(await post('/v1/chat/completions', openAIBody(limit)));
      expect(body.choices[0].message.content).toBe('[simulated] You said: please');
      expect(body.choices[0].finish_reason).toBe('length');
      expect(body.usage.completion_tokens).toBe(4);
    }
  });

  it('cuts at a stop sequence with finish_reason stop', async () => {
    const body = await json(await post('/v1/chat/completions', openAIBody({ stop: ['quarterly'] })));
    expect(body.choices[0].message.content).toBe('[simulated] You said: please summarise the ');
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  it('streams chat.completion.chunk SSE frames, a usage chunk, then [DONE]', async () => {
    const res = await post('/v1/chat/completions', openAIBody({ stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-soma-simulated')).toBe('true');
    const frames = parseSse(await res.text());
    expect(frames.every((frame) => frame.event === undefined)).toBe(true);
    expect(frames.at(-1)?.data).toBe('[DONE]');

    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.data) as OpenAIChunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'gpt-4o-mini')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(EXPECTED_TEXT);

    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual({ prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 });
    const finishChunk = chunks.at(-2);
    expect(finishChunk?.choices[0]?.finish_reason).toBe('stop');
    // Only the finish chunk carries a finish reason.
    expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason).length).toBe(1);
  });

  it('sends no usage chunk unless include_usage is set', async () => {
    const frames = parseSse(await (await post('/v1/chat/completions', openAIBody({ stream: true, max_tokens: 2 }))).text());
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.data) as OpenAIChunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('length');
  });

  it('lists models', async () => {
    const res = await fetch(`${emulator.url}/v1/models`);
    const body = await json(res);
    expect(body.object).toBe('list');
    expect(body.data[0]).toMatchObject({ object: 'model', id: expect.any(String) });
  });
});

describe('Anthropic messages', () => {
  it('answers JSON in the real shape, labelled simulated', async () => {
    const res = await post('/v1/messages', anthropicBody(), { 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-soma-simulated')).toBe('true');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const body = await json(res);
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: EXPECTED_TEXT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 10 },
    });
    expect(body.id).toMatch(/^msg_/);
  });

  it('stops at max_tokens and at stop sequences', async () => {
    const limited = await json(await post('/v1/messages', anthropicBody({ max_tokens: 3 })));
    expect(limited.content[0].text).toBe('[simulated] You said:');
    expect(limited.stop_reason).toBe('max_tokens');
    expect(limited.usage.output_tokens).toBe(3);

    const stopped = await json(await post('/v1/messages', anthropicBody({ stop_sequences: ['numbers'] })));
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe('numbers');
    expect(stopped.content[0].text).toBe('[simulated] You said: please summarise the quarterly ');
  });

  it('streams the real named-event sequence', async () => {
    const res = await post('/v1/messages', anthropicBody({ stream: true }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await res.text());
    // Each event name repeats the data's type, as the real API does.
    for (const frame of frames) expect(JSON.parse(frame.data).type).toBe(frame.event);

    const names = frames.map((frame) => frame.event);
    const deltas = names.filter((name) => name === 'content_block_delta').length;
    expect(deltas).toBe(10);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);

    const events = frames.map((frame) => JSON.parse(frame.data));
    expect(events[0].message).toMatchObject({ role: 'assistant', model: 'claude-haiku-4-5', content: [], usage: { input_tokens: 9 } });
    const text = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.type === 'text_delta' && e.delta.text).join('');
    expect(text).toBe(EXPECTED_TEXT);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 10 } });
  });

  it('rejects a request without max_tokens the way Anthropic does', async () => {
    const res = await post('/v1/messages', { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/max_tokens/);
  });

  it('lists models in the Anthropic shape when asked by an Anthropic client', async () => {
    const body = await json(await fetch(`${emulator.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } }));
    expect(body).toMatchObject({ has_more: false, first_id: 'gpt-4o-mini' });
    expect(body.data[0]).toMatchObject({ type: 'model', id: 'gpt-4o-mini', display_name: expect.stringMatching(/simulated/) });
  });
});

describe('vendor error bodies', () => {
  const openAICases = [
    { fault: '400', status: 400, type: 'invalid_request_error', code: null },
    { fault: '401', status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
    { fault: '404', status: 404, type: 'invalid_request_error', code: 'model_not_found' },
    { fault: '429', status: 429, type: 'requests', code: 'rate_limit_exceeded' },
    { fault: '500', status: 500, type: 'server_error', code: null },
    { fault: '503', status: 503, type: 'server_error', code: null },
    { fault: '529', status: 529, type: 'server_error', code: null },
    { fault: 'context_length', status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
    { fault: 'content_policy', status: 400, type: 'invalid_request_error', code: 'content_filter' },
  ];
  it.each(openAICases)('OpenAI $fault → $status {error:{type:$type, code:$code}}', async ({ fault, status, type, code }) => {
    const res = await post('/v1/chat/completions', openAIBody(), { 'x-emulator-fault': fault });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-soma-simulated')).toBe('true');
    const body = await json(res);
    expect(body.error).toMatchObject({ message: expect.any(String), type, code });
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  const anthropicCases = [
    { fault: '400', status: 400, type: 'invalid_request_error' },
    { fault: '401', status: 401, type: 'authentication_error' },
    { fault: '403', status: 403, type: 'permission_error' },
    { fault: '404', status: 404, type: 'not_found_error' },
    { fault: '429', status: 429, type: 'rate_limit_error' },
    { fault: '500', status: 500, type: 'api_error' },
    { fault: '503', status: 503, type: 'api_error' },
    { fault: '529', status: 529, type: 'overloaded_error' },
    { fault: 'context_length', status: 400, type: 'invalid_request_error' },
  ];
  it.each(anthropicCases)('Anthropic $fault → $status {type:"error", error:{type:$type}}', async ({ fault, status, type }) => {
    const res = await post('/v1/messages', anthropicBody(), { 'x-emulator-fault': fault });
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body).toMatchObject({ type: 'error', error: { type, message: expect.any(String) } });
  });

  it('says why in context-length and content-policy bodies', async () => {
    const tooLong = await json(await post('/v1/messages', anthropicBody(), { 'x-emulator-fault': 'context_length' }));
    expect(tooLong.error.message).toMatch(/prompt is too long/);
    const blocked = await json(await post('/v1/messages', anthropicBody(), { 'x-emulator-fault': 'content_policy' }));
    expect(blocked.error.message).toMatch(/content filtering policy/);
  });

  it('puts a retry-after (seconds) on every 429, 1s unless told otherwise', async () => {
    const plain = await post('/v1/chat/completions', openAIBody(), { 'x-emulator-fault': '429' });
    expect(plain.headers.get('retry-after')).toBe('1');
    const told = await post('/v1/messages', anthropicBody(), { 'x-emulator-fault': '529', 'x-emulator-retry-after': '7' });
    expect(told.status).toBe(529);
    expect(told.headers.get('retry-after')).toBe('7');
    const none = await post('/v1/chat/completions', openAIBody(), { 'x-emulator-fault': '500' });
    expect(none.headers.get('retry-after')).toBeNull();
  });

  it('rejects malformed JSON and unknown fault names with a 400 in the vendor shape', async () => {
    const badJson = await post('/v1/chat/completions', '{"model":');
    expect(badJson.status).toBe(400);
    expect((await json(badJson)).error.type).toBe('invalid_request_error');
    const badFault = await post('/v1/chat/completions', openAIBody(), { 'x-emulator-fault': '418' });
    expect(badFault.status).toBe(400);
    expect((await json(badFault)).error.message).toMatch(/x-emulator-fault/);
  });

  it('answers unknown routes with a 404', async () => {
    const res = await fetch(`${emulator.url}/v1/embeddingz`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect((await json(res)).error.message).toMatch(/Invalid URL/);
  });
});

describe('connection faults', () => {
  it('reset drops the connection', async () => {
    await expect(post('/v1/chat/completions', openAIBody(), { 'x-emulator-fault': 'reset' })).rejects.toThrow(TypeError);
    // The server itself is unharmed.
    expect((await post('/v1/chat/completions', openAIBody())).status).toBe(200);
  });

  it('hang never answers until the client gives up', async () => {
    const started = performance.now();
    await expect(post('/v1/messages', anthropicBody(), { 'x-emulator-fault': 'hang' }, AbortSignal.timeout(200))).rejects.toThrow(/aborted|timeout/i);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(emulator.stats().faultsInjected).toBe(1);
  });
});

describe('latency', () => {
  it('applies creation, per-request and control-API latency', async () => {
    const slow = await createEmulator({ latencyMs: 120 });
    try {
      const timed = async (url: string, headers: Record<string, string> = {}) => {
        const started = performance.now();
        const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(openAIBody()) });
        await res.text();
        return performance.now() - started;
      };
      expect(await timed(slow.url)).toBeGreaterThanOrEqual(115);
      expect(await timed(slow.url, { 'x-emulator-latency-ms': '0' })).toBeLessThan(100);

      const config = await json(await fetch(`${slow.url}/_emulator/config`, { method: 'POST', body: JSON.stringify({ latencyMs: 0 }) }));
      expect(config).toEqual({ latencyMs: 0, chunkDelayMs: 0 });
      expect(await timed(slow.url)).toBeLessThan(100);

      await fetch(`${slow.url}/_emulator/reset`, { method: 'POST' });
      expect(await timed(slow.url)).toBeGreaterThanOrEqual(115);
    } finally {
      await slow.close();
    }
  });

  it('spreads a stream over time with a chunk delay', async () => {
    const started = performance.now();
    const res = await post('/v1/messages', anthropicBody({ stream: true, max_tokens: 3 }), { 'x-emulator-chunk-delay-ms': '15' });
    const frames = parseSse(await res.text());
    expect(frames.length).toBe(9);
    expect(performance.now() - started).toBeGreaterThanOrEqual(8 * 15 - 5);
  });
});

describe('control API', () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${emulator.url}/_emulator/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });

  it('queues the next n calls to fail, then recovers', async () => {
    const queued = await control('faults', { status: 503, count: 2, retryAfterSeconds: 2 });
    expect(queued.status).toBe(200);
    expect((await json(queued)).pending).toEqual([{ name: '503', remaining: 2, retryAfterSeconds: 2 }]);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/v1/chat/completions', openAIBody())).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await json(await control('faults'))).pending).toEqual([]);
  });

  it('only fails calls for the model a fault names', async () => {
    await control('faults', { status: '429', count: 1, model: 'claude-haiku-4-5' });
    expect((await post('/v1/chat/completions', openAIBody())).status).toBe(200);
    const limited = await post('/v1/messages', anthropicBody());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('counts calls in total, per model and per endpoint', async () => {
    await post('/v1/chat/completions', openAIBody());
    await post('/v1/chat/completions', openAIBody({ model: 'gpt-4o' }));
    await post('/v1/messages', anthropicBody(), { 'x-emulator-fault': '500' });
    await fetch(`${emulator.url}/v1/models`);
    const stats = await json(await control('stats'));
    expect(stats).toEqual({
      total: 3,
      byModel: { 'gpt-4o-mini': 1, 'gpt-4o': 1, 'claude-haiku-4-5': 1 },
      byEndpoint: { '/v1/chat/completions': 2, '/v1/messages': 1, '/v1/models': 1 },
      faultsInjected: 1,
    });
    await control('reset', {});
    expect((await json(await control('stats'))).total).toBe(0);
  });

  it('rejects invalid control bodies with a readable 400', async () => {
    const badFault = await control('faults', { status: 418 });
    expect(badFault.status).toBe(400);
    expect((await json(badFault)).error.message).toMatch(/status/);
    expect((await control('faults', { status: 429, count: 0 })).status).toBe(400);
    expect((await control('config', { latencyMs: -1 })).status).toBe(400);
    expect((await control('config', { latency: 5 })).status).toBe(400);
    expect((await control('nope')).status).toBe(404);
  });
});

describe('API key check', () => {
  it('answers a missing or wrong key with a 401 in each vendor shape', async () => {
    const guarded = await createEmulator({ requireApiKey: 'sk-test-key' });
    try {
      const call = (path: string, body: unknown, headers: Record<string, string>) =>
        fetch(`${guarded.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

      const openAIMissing = await call('/v1/chat/completions', openAIBody(), {});
      expect(openAIMissing.status).toBe(401);
      expect((await json(openAIMissing)).error.code).toBe('invalid_api_key');
      expect((await call('/v1/chat/completions', openAIBody(), { authorization: 'Bearer sk-test-key' })).status).toBe(200);

      const anthropicWrong = await call('/v1/messages', anthropicBody(), { 'x-api-key': 'sk-wrong' });
      expect(anthropicWrong.status).toBe(401);
      expect((await json(anthropicWrong)).error.type).toBe('authentication_error');
      expect((await call('/v1/messages', anthropicBody(), { 'x-api-key': 'sk-test-key' })).status).toBe(200);

      expect((await fetch(`${guarded.url}/v1/models`)).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});
