import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { SomaAgent, type CompletionStreamEvent } from '../sdk/typescript/src/index.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * Tool calling over every path, against the real platform with the provider emulator behind it
 * (its deterministic tool use: tooling/emulator/simulated-tool-calls.ts): /v1/completions in
 * both provider wire formats, streamed and not, the routing capability filter, validation, and
 * the official OpenAI and Anthropic SDKs through the compatible ingresses.
 */
let p: TestPlatform;
let t: { tenantId: string; key: string };

/** Registered for this suite: a model without tools that only a 0.99 quality floor selects. */
const NO_TOOLS = 'tooltest/no-tools';
/** An Anthropic model registered with json_mode, served by the adapter's forced JSON tool. */
const CLAUDE_JSON = 'tooltest/claude-json';

const weather = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
};
const time = { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } };

async function register(id: string, body: Record<string, unknown>) {
  const res = await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, {
    key: p.adminKey,
    method: 'PUT',
    body: {
      context_window: 100_000,
      max_output_tokens: 4096,
      pricing: { input_per_mtok: 100, output_per_mtok: 100 },
      // Tier 3 and very slow: never another suite's choice, upgrade or "strongest" fallback.
      tier: 3,
      typical_latency_ms: 100_000,
      ...body,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  // Stored conversation messages are embedded in this process (the first time loads the model,
  // busy for seconds on a shared CPU): a roomier heartbeat keeps a model call from timing out then.
  // localModels: the local adapter (OpenAI-compatible servers) is served by this suite's emulator.
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '1', ACTIVITY_HEARTBEAT_TIMEOUT_MS: '15000' } });
  t = await p.newTenant('tool-calling');
  await register(NO_TOOLS, { provider: 'openai', provider_model: 'gpt-4o-mini', capabilities: { tools: false, vision: false, json_mode: false, streaming: true }, quality: 0.99 });
  await register(CLAUDE_JSON, { provider: 'anthropic', provider_model: 'claude-haiku-4-5', capabilities: { tools: true, vision: false, json_mode: true, streaming: true }, quality: 0.5 });
}, 120_000);
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

const complete = (body: Record<string, unknown>) => p.call('/v1/completions', { key: t.key, body });

/** A streamed completion's events, in order. */
async function streamed(body: Record<string, unknown>): Promise<Array<{ event: string; data: any }>> {
  const res = await fetch(`${p.apiUrl}/v1/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('event:'))
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
    });
}

/** The calls a stream's tool_call_delta events add up to. */
function assembled(events: Array<{ event: string; data: any }>) {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const e of events.filter((x) => x.event === 'tool_call_delta')) {
    calls[e.data.index] ??= { id: '', name: '', arguments: '' };
    const call = calls[e.data.index]!;
    if (e.data.id) call.id = e.data.id;
    if (e.data.name) call.name = e.data.name;
    call.arguments += e.data.arguments_delta;
  }
  return calls;
}

describe.each([
  { model: 'gpt-4o-mini', prefix: 'call_' },
  { model: 'claude-haiku-4-5', prefix: 'toolu_' },
])('/v1/completions with $model', ({ model, prefix }) => {
  const ask = [{ role: 'user', content: 'What is the weather? Use get_weather with city=Paris days=3.' }];

  it('answers with a tool call, then with the final answer once the tool result comes back', async () => {
    const first = await complete({ model, messages: ask, tools: [weather, time] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.finish_reason).toBe('tool_calls');
    expect(first.body.text).toBe('');
    expect(first.body.tool_calls).toHaveLength(1);
    const call = first.body.tool_calls[0];
    expect(call.id.startsWith(prefix)).toBe(true);
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris', days: 3 });
    // Cost and usage as for any answer.
    expect(first.body.usage.output_tokens).toBeGreaterThan(0);
    expect(first.body.cost_usd).toBeGreaterThan(0);
    // The stored run has the calls too.
    const run = await p.call(`/v1/runs/${first.body.id}`, { key: t.key });
    expect(JSON.stringify(run.body)).toContain(call.id);

    const second = await complete({
      model,
      tools: [weather, time],
      messages: [...ask, { role: 'assistant', content: '', tool_calls: first.body.tool_calls }, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' }],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.finish_reason).toBe('stop');
    expect(second.body.text).toBe('Tool results: get_weather=sunny, 21C');
    expect(second.body.tool_calls).toBeUndefined();
  });

  it('streams tool_call_delta events that add up to the calls of the result (parallel calls in order of mention)', async () => {
    const events = await streamed({ model, tools: [weather, time], messages: [{ role: 'user', content: 'First get_time for zone=UTC, then get_weather in "New York".' }] });
    const result = events.find((e) => e.event === 'completion')!.data;
    expect(result.finish_reason).toBe('tool_calls');
    expect(result.tool_calls.map((c: { name: string }) => c.name)).toEqual(['get_time', 'get_weather']);
    expect(JSON.parse(result.tool_calls[1].arguments)).toEqual({ city: 'New York' });
    expect(assembled(events)).toEqual(result.tool_calls);
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(0);
  });

  it('follows tool_choice: none, required, a named tool, and parallel_tool_calls false', async () => {
    const messages = [{ role: 'user', content: 'Tell me about get_weather and get_time in "Oslo".' }];
    const none = await complete({ model, messages, tools: [weather, time], tool_choice: 'none' });
    expect(none.body.finish_reason).toBe('stop');
    expect(none.body.tool_calls).toBeUndefined();
    expect(none.body.text).toContain('[simulated]');

    const plain = [{ role: 'user', content: 'Hello there' }];
    const auto = await complete({ model, messages: plain, tools: [weather, time] });
    expect(auto.body.tool_calls).toBeUndefined();
    const required = await complete({ model, messages: plain, tools: [weather, time], tool_choice: 'required' });
    expect(required.body.tool_calls.map((c: { name: string }) => c.name)).toEqual(['get_weather']);
    expect(JSON.parse(required.body.tool_calls[0].arguments)).toEqual({ city: 'example' });

    const named = await complete({ model, messages, tools: [weather, time], tool_choice: { name: 'get_time' } });
    expect(named.body.tool_calls.map((c: { name: string }) => c.name)).toEqual(['get_time']);
    expect(JSON.parse(named.body.tool_calls[0].arguments)).toEqual({ zone: 'Oslo' });

    const parallel = await complete({ model, messages, tools: [weather, time] });
    expect(parallel.body.tool_calls).toHaveLength(2);
    const single = await complete({ model, messages, tools: [weather, time], parallel_tool_calls: false });
    expect(single.body.tool_calls.map((c: { name: string }) => c.name)).toEqual(['get_weather']);
  });

  it('answers several tool results at once', async () => {
    const messages = [{ role: 'user', content: 'get_weather and get_time for "Rome"' }];
    const first = await complete({ model, messages, tools: [weather, time] });
    const [a, b] = first.body.tool_calls;
    const second = await complete({
      model,
      tools: [weather, time],
      messages: [...messages, { role: 'assistant', tool_calls: first.body.tool_calls }, { role: 'tool', tool_call_id: a.id, content: 'rain' }, { role: 'tool', tool_call_id: b.id, content: '12:00' }],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.text).toBe('Tool results: get_weather=rain; get_time=12:00');
  });
});

describe('local models (OpenAI-compatible servers)', () => {
  it('map tools like OpenAI; a local model without tools is refused', async () => {
    const messages = [{ role: 'user', content: 'get_weather for city=Kyiv' }];
    const first = await complete({ model: 'local/llama3.2', messages, tools: [weather] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.provider).toBe('local');
    expect(first.body.tool_calls[0].id.startsWith('call_')).toBe(true);
    const second = await complete({
      model: 'local/llama3.2',
      tools: [weather],
      messages: [...messages, { role: 'assistant', tool_calls: first.body.tool_calls }, { role: 'tool', tool_call_id: first.body.tool_calls[0].id, content: 'mild' }],
    });
    expect(second.body.text).toBe('Tool results: get_weather=mild');
    const refused = await complete({ model: 'local/smollm2-135m', messages, tools: [weather] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('model_lacks_capability');
  });
});

describe('JSON response formats', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, score: { type: 'number' } }, required: ['city', 'score'] };
  const messages = [{ role: 'user', content: 'Rate "Lisbon" out of 10: 9' }];

  it('answers JSON that satisfies the schema (OpenAI json_schema, streamed and not)', async () => {
    const res = await complete({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'rating', schema } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(JSON.parse(res.body.text)).toEqual({ city: 'Lisbon', score: 10 });
    const events = await streamed({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_object' } });
    const text = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(JSON.parse(text)).toHaveProperty('answer');
  });

  it('serves Anthropic models through a forced tool: the JSON is the text, not a call', async () => {
    const res = await complete({ model: CLAUDE_JSON, messages, response_format: { type: 'json_schema', json_schema: { name: 'rating', schema } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.finish_reason).toBe('stop');
    expect(res.body.tool_calls).toBeUndefined();
    expect(JSON.parse(res.body.text)).toEqual({ city: 'Lisbon', score: 10 });
    const events = await streamed({ model: CLAUDE_JSON, messages, response_format: { type: 'json_schema', json_schema: { name: 'rating', schema } } });
    const text = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(JSON.parse(text)).toEqual({ city: 'Lisbon', score: 10 });
    const any = await streamed({ model: CLAUDE_JSON, messages, response_format: { type: 'json_object' } });
    expect(JSON.parse(any.filter((e) => e.event === 'delta').map((e) => e.data.text).join(''))).toEqual({});
    expect(any.find((e) => e.event === 'completion')!.data.finish_reason).toBe('stop');
  });

  it('refuses tools together with JSON on an Anthropic model (the forced tool leaves no room for them)', async () => {
    const res = await complete({ model: CLAUDE_JSON, messages, tools: [weather], response_format: { type: 'json_object' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('provider_rejected');
    expect(res.body.error.message).toContain('JSON response_format');
    // Refused before any call reached the provider.
    expect(p.emulator.stats().total).toBe(0);
  });

  it('refuses a model without json_mode (400 model_lacks_capability)', async () => {
    const res = await complete({ model: 'claude-haiku-4-5', messages, response_format: { type: 'json_object' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('model_lacks_capability');
    expect(res.body.error.message).toContain('json_mode');
  });
});

describe('routing with tools', () => {
  const messages = [{ role: 'user', content: 'Use get_weather for city=Paris' }];
  const floor = { quality_floor: 0.99 };

  it('auto never picks a model without tools (the only one meeting the floor is passed over)', async () => {
    // Without tools the floor picks the tool-less model: the filter below is what changes it.
    const plain = await complete({ model: 'auto', routing: floor, messages });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.model).toBe(NO_TOOLS);

    const res = await complete({ model: 'auto', routing: floor, messages, tools: [weather] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model).not.toBe(NO_TOOLS);
    expect(res.body.routing.reasons.join(' ')).toContain('tools');
    const models = (await p.call('/v1/models', { key: t.key })).body.data as Array<{ id: string; capabilities: { tools: boolean } }>;
    for (const id of [res.body.routing.chosen.model, ...res.body.routing.fallbacks.map((f: { model: string }) => f.model)]) {
      expect(models.find((m) => m.id === id)?.capabilities.tools, id).toBe(true);
    }
    expect(res.body.tool_calls[0].name).toBe('get_weather');
  });

  it('a conversation holding tool turns needs tools even when this turn offers none (an agent\'s last turn, a handoff)', async () => {
    const first = await complete({ model: 'gpt-4o-mini', messages, tools: [weather] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const history = [...messages, { role: 'assistant', tool_calls: first.body.tool_calls }, { role: 'tool', tool_call_id: first.body.tool_calls[0].id, content: 'mild' }];
    const res = await complete({ model: 'auto', routing: floor, messages: history });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model).not.toBe(NO_TOOLS);
    const explicit = await complete({ model: NO_TOOLS, messages: history });
    expect(explicit.status).toBe(400);
    expect(explicit.body.error.code).toBe('model_lacks_capability');
  });

  it('an explicit model without tools is refused; a list or policy keeps only capable models', async () => {
    const explicit = await complete({ model: NO_TOOLS, messages, tools: [weather] });
    expect(explicit.status).toBe(400);
    expect(explicit.body.error.code).toBe('model_lacks_capability');
    expect(explicit.body.error.message).toContain('tools');

    const list = await complete({ models: [NO_TOOLS, 'gpt-4o-mini'], messages, tools: [weather] });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.model).toBe('gpt-4o-mini');
    expect(list.body.attempt_history.map((h: { model: string }) => h.model)).toEqual(['gpt-4o-mini']);

    expect((await p.call('/v1/policies/no-tools-first', { key: t.key, method: 'PUT', body: { models: [NO_TOOLS, 'claude-haiku-4-5'] } })).status).toBe(200);
    const viaPolicy = await complete({ policy: 'no-tools-first', messages, tools: [weather] });
    expect(viaPolicy.status, JSON.stringify(viaPolicy.body)).toBe(200);
    expect(viaPolicy.body.model).toBe('claude-haiku-4-5');
    expect((await p.call('/v1/policies/auto-floor', { key: t.key, method: 'PUT', body: { model: 'auto', routing: floor } })).status).toBe(200);
    const autoPolicy = await complete({ policy: 'auto-floor', messages, tools: [weather] });
    expect(autoPolicy.body.model).not.toBe(NO_TOOLS);
  });
});

describe('bad tool requests', () => {
  const user = { role: 'user', content: 'hi' };
  it.each([
    ['a tool name with spaces', { tools: [{ name: 'get weather', parameters: { type: 'object' } }] }, 'validation_failed'],
    ['parameters that are not an object schema', { tools: [{ name: 'f', parameters: { type: 'string' } }] }, 'invalid_tool_schema'],
    ['parameters that are no JSON Schema', { tools: [{ name: 'f', parameters: { type: 'object', properties: 3 } }] }, 'invalid_tool_schema'],
    ['parameters that are an array', { tools: [{ name: 'f', parameters: [] }] }, 'validation_failed'],
    ['a duplicate tool name', { tools: [weather, weather] }, 'duplicate_tool_name'],
    ['a tool_choice naming no offered tool', { tools: [weather], tool_choice: { name: 'nope' } }, 'unknown_tool'],
    ['tool_choice required without tools', { tool_choice: 'required' }, 'tool_choice_without_tools'],
    ['a tool result answering no call', { messages: [user, { role: 'tool', tool_call_id: 'call_x', content: 'r' }] }, 'unknown_tool_call_id'],
    [
      'call arguments that are not JSON',
      { messages: [user, { role: 'assistant', tool_calls: [{ id: 'c1', name: 'get_weather', arguments: '{city' }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }] },
      'invalid_tool_arguments',
    ],
    ['a tool message without tool_call_id', { messages: [user, { role: 'tool', content: 'r' }] }, 'validation_failed'],
    ['a bad response schema', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'array' } } } }, 'invalid_response_schema'],
  ])('refuses %s with 400', async (_name, extra, code) => {
    const res = await complete({ model: 'gpt-4o-mini', messages: [user], ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(p.emulator.stats().total).toBe(0);
  });
});

describe('conversations keep tool turns', () => {
  it('stores the call and its result, and a later request can answer a stored call', async () => {
    const conv = await p.call('/v1/conversations', { key: t.key, body: {} });
    expect(conv.status).toBe(201);
    const first = await complete({ model: 'gpt-4o-mini', conversation: conv.body.id, tools: [weather], messages: [{ role: 'user', content: 'get_weather for "Bergen"' }] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const call = first.body.tool_calls[0];
    // The result answers a call that is only in the stored conversation.
    const second = await complete({ model: 'gpt-4o-mini', conversation: conv.body.id, tools: [weather], messages: [{ role: 'tool', tool_call_id: call.id, content: 'windy' }] });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.text).toBe('Tool results: get_weather=windy');
    const stored = await p.call(`/v1/conversations/${conv.body.id}`, { key: t.key });
    const rows = stored.body.messages as Array<{ role: string; content: string; metadata: Record<string, unknown> }>;
    expect(rows.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(rows[1]!.metadata.tool_calls).toEqual([call]);
    expect(rows[2]!.metadata.tool_call_id).toBe(call.id);
  });
});

describe('OpenAI SDK through /v1/chat/completions', () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: weather.parameters } }];

  it('round-trips a tool call, streamed and not', async () => {
    const client = new OpenAI({ baseURL: `${p.apiUrl}/v1`, apiKey: t.key, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'get_weather for city=Lima' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, tool_choice: 'auto' });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Lima' });

    const stream = client.chat.completions.stream({ model: 'claude-haiku-4-5', messages, tools });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const streamedCall = final.choices[0]!.message.tool_calls![0]!;
    if (streamedCall.type !== 'function') throw new Error('not a function call');
    expect(streamedCall.id.startsWith('toolu_')).toBe(true);
    expect(JSON.parse(streamedCall.function.arguments)).toEqual({ city: 'Lima' });

    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      tools,
      messages: [...messages, choice.message, { role: 'tool', tool_call_id: call.id, content: 'cloudy' }],
    });
    expect(answer.choices[0]!.message.content).toBe('Tool results: get_weather=cloudy');
    expect(answer.choices[0]!.finish_reason).toBe('stop');

    const json = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_object' } });
    expect(JSON.parse(json.choices[0]!.message.content!)).toHaveProperty('answer');
  });
});

describe('Anthropic SDK through /v1/messages', () => {
  const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: weather.parameters as Anthropic.Tool.InputSchema }];

  it('round-trips tool use, streamed and not', async () => {
    const client = new Anthropic({ baseURL: p.apiUrl, apiKey: t.key, maxRetries: 0 });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'get_weather for city=Quito' }];
    const first = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages, tools, tool_choice: { type: 'auto' } });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(use.name).toBe('get_weather');
    expect(use.input).toEqual({ city: 'Quito' });

    const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 256, messages, tools });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const streamedUse = final.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(streamedUse.id.startsWith('call_')).toBe(true);
    expect(streamedUse.input).toEqual({ city: 'Quito' });

    const answer = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      tools,
      messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'hot' }] }],
    });
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.content).toEqual([{ type: 'text', text: 'Tool results: get_weather=hot' }]);
  });
});

describe('SomaAgent SDKs', () => {
  const messages = [{ role: 'user' as const, content: 'get_weather for city=Oslo' }];

  it('TypeScript: sends tools and tool messages, returns tool_calls and streams tool_call_delta events', async () => {
    const client = new SomaAgent({ apiKey: t.key, baseURL: p.apiUrl, maxRetries: 0 });
    const first = await client.completions.create({ model: 'gpt-4o-mini', messages, tools: [weather], tool_choice: 'required' });
    expect(first.finish_reason).toBe('tool_calls');
    const call = first.tool_calls![0]!;
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Oslo' });
    const second = await client.completions.create({
      model: 'gpt-4o-mini',
      tools: [weather],
      messages: [...messages, { role: 'assistant', tool_calls: first.tool_calls! }, { role: 'tool', tool_call_id: call.id, content: 'snow' }],
    });
    expect(second.text).toBe('Tool results: get_weather=snow');

    const stream = await client.completions.stream({ model: 'claude-haiku-4-5', messages, tools: [weather] });
    const events: CompletionStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.filter((e) => e.type === 'tool_call_delta');
    expect(deltas[0]).toMatchObject({ index: 0, name: 'get_weather' });
    const done = events.at(-1);
    expect(done?.type === 'completion' && done.completion.tool_calls?.[0]?.name).toBe('get_weather');
  });

  it('Python: the same round trip with the somaagent package', async () => {
    const script = [
      'import json, sys',
      "sys.path.insert(0, 'sdk/python')",
      'from somaagent import SomaAgent',
      'from somaagent.types import ToolCallDeltaEvent',
      'client = SomaAgent(api_key=sys.argv[1], base_url=sys.argv[2], max_retries=0)',
      "tools = [json.loads(sys.argv[3])]",
      "messages = [{'role': 'user', 'content': 'get_weather for city=Oslo'}]",
      "first = client.completions.create(model='claude-haiku-4-5', messages=messages, tools=tools, tool_choice={'name': 'get_weather'})",
      'call = first.tool_calls[0]',
      "second = client.completions.create(model='claude-haiku-4-5', tools=tools, messages=messages + [{'role': 'assistant', 'content': '', 'tool_calls': [{'id': call.id, 'name': call.name, 'arguments': call.arguments}]}, {'role': 'tool', 'tool_call_id': call.id, 'content': 'fog'}])",
      "with client.completions.stream(model='gpt-4o-mini', messages=messages, tools=tools) as stream:",
      '    kinds = [type(e).__name__ for e in stream]',
      'print(json.dumps({"finish": first.finish_reason, "args": json.loads(call.arguments), "text": second.text, "delta": "ToolCallDeltaEvent" in kinds}))',
    ].join('\n');
    const python = join(process.cwd(), '.soma', 'venv', 'bin', 'python');
    const { stdout } = await promisify(execFile)(python, ['-c', script, t.key, p.apiUrl, JSON.stringify(weather)]);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ finish: 'tool_calls', args: { city: 'Oslo' }, text: 'Tool results: get_weather=fog', delta: true });
  });
});
