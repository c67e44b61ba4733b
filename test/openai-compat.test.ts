import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { registerLocalModels } from './support/local-models.ts';

/**
 * The OpenAI-compatible ingress driven by real clients, each pointed at SomaAgent by base URL
 * only: the official `openai` npm SDK, the `openai` Python package and the Vercel AI SDK's
 * OpenAI-compatible provider, against the real platform with the emulator behind it.
 */
const run = promisify(execFile);
const PYTHON = join(process.cwd(), '.soma', 'venv', 'bin', 'python');
const LOCAL = 'local/oai-compat-a';
const ask = [{ role: 'user' as const, content: 'What is the capital of France?' }];

let p: TestPlatform;
let t: { tenantId: string; key: string };
let baseURL: string;
let client: OpenAI;

beforeAll(async () => {
  // One attempt per run: a provider 429 reaches the client, whose own retries are under test.
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '1' } });
  await registerLocalModels(p, [LOCAL]);
  t = await p.newTenant('openai-compat');
  baseURL = `${p.apiUrl}/v1`;
  client = new OpenAI({ baseURL, apiKey: t.key, maxRetries: 0 });
}, 120_000);
afterAll(async () => p?.close());
beforeEach(() => p.emulator.reset());

describe('openai npm SDK', () => {
  it('answers a chat completion in OpenAI’s shape, from a durable run named in x-soma-run-id', async () => {
    const { data, response } = await client.chat.completions.create({ model: LOCAL, messages: ask, max_tokens: 32, temperature: 0 }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(LOCAL);
    expect(data.system_fingerprint).toBeNull();
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]!.message.role).toBe('assistant');
    expect(data.choices[0]!.message.content).toContain('capital of France');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    const runId = response.headers.get('x-soma-run-id');
    expect(runId).toMatch(/^completion-/);
    expect(data.id).toBe(`chatcmpl-${runId}`);
    const runRes = await p.call(`/v1/runs/${runId}`, { key: t.key });
    expect(runRes.status).toBe(200);
    expect(runRes.body.status).toBe('completed');
    // The same provider call the emulator saw: the parameters were passed on.
    expect(p.emulator.stats().total).toBe(1);
  });

  it('streams chat.completion.chunk events, a usage chunk with include_usage, then [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: LOCAL, messages: ask, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(new Set(chunks.map((c) => c.object))).toEqual(new Set(['chat.completion.chunk']));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toContain('capital of France');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('ends a raw stream with data: [DONE] and sends no usage chunk without include_usage', async () => {
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: LOCAL, messages: ask, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-soma-run-id')).toMatch(/^completion-/);
    const body = await res.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(body).not.toContain('"usage"');
    expect(body).not.toMatch(/^event:/m);
  });

  it('raises NotFoundError for an unknown model, with OpenAI’s error body', async () => {
    const err = await client.chat.completions.create({ model: 'no-such-model', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).status).toBe(404);
    expect((err as NotFoundError).code).toBe('model_not_found');
    expect((err as NotFoundError).type).toBe('invalid_request_error');
  });

  it('retries a 429 after the Retry-After SomaAgent passes on, then succeeds', async () => {
    p.emulator.injectFault({ status: 429, count: 1, retryAfterSeconds: 1 });
    const retrying = new OpenAI({ baseURL, apiKey: t.key, maxRetries: 2 });
    const started = Date.now();
    const data = await retrying.chat.completions.create({ model: LOCAL, messages: ask });
    expect(data.choices[0]!.message.content).toContain('capital of France');
    // Two runs, one provider call each: the first got the 429, the SDK waited and asked again.
    expect(p.emulator.stats().total).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('refuses tools for a model without the tools capability, and n > 1, with their own codes (400)', async () => {
    // LOCAL is registered without tools (tool calling itself: test/tool-calling.test.ts).
    const tools = await client.chat.completions
      .create({ model: LOCAL, messages: ask, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] })
      .catch((e: unknown) => e);
    expect(tools).toBeInstanceOf(BadRequestError);
    expect((tools as BadRequestError).code).toBe('model_lacks_capability');
    const n = await client.chat.completions.create({ model: LOCAL, messages: ask, n: 2 }).catch((e: unknown) => e);
    expect((n as BadRequestError).code).toBe('n_not_supported');
    const bad = await client.chat.completions.create({ model: LOCAL, messages: [], temperature: 9 }).catch((e: unknown) => e);
    expect((bad as BadRequestError).status).toBe(400);
    expect((bad as BadRequestError).type).toBe('invalid_request_error');
    expect(p.emulator.stats().total).toBe(0);
  });

  it('lists and retrieves models with OpenAI’s fields, keeping ours', async () => {
    const page = await client.models.list();
    const local = page.data.find((m) => m.id === LOCAL) as (OpenAI.Models.Model & { provider?: string; context_window?: number }) | undefined;
    expect(local).toMatchObject({ id: LOCAL, object: 'model', owned_by: 'local', provider: 'local', context_window: 100_000 });
    expect(Number.isInteger(local!.created)).toBe(true);
    expect(local!.created).toBeGreaterThan(1_600_000_000);
    const one = await client.models.retrieve(LOCAL);
    expect(one).toMatchObject({ id: LOCAL, object: 'model', owned_by: 'local' });
  });

  it('embeds through the platform embedder, float and base64 (the SDK’s default)', async () => {
    const model = p.env.EMBEDDING_MODEL;
    const res = await client.embeddings.create({ model, input: ['a cat sat', 'a dog ran'] });
    expect(res.object).toBe('list');
    expect(res.model).toBe(model);
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    const dimension = res.data[0]!.embedding.length;
    expect(dimension).toBeGreaterThan(100);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    const floats = await client.embeddings.create({ model, input: 'a cat sat', encoding_format: 'float' });
    expect(floats.data[0]!.embedding).toHaveLength(dimension);
    // The SDK decoded base64 into the same floats the float format sends.
    expect(floats.data[0]!.embedding[0]).toBeCloseTo(res.data[0]!.embedding[0]!, 5);
    const unknown = await client.embeddings.create({ model: 'text-embedding-ada-002', input: 'x' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
  });
});

describe('auth and tenancy on the OpenAI-compatible routes', () => {
  it('answers 401 invalid_api_key in OpenAI’s shape without a key or with a wrong one', async () => {
    for (const path of ['/chat/completions', '/embeddings']) {
      const res = await fetch(`${baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: LOCAL, messages: ask }) });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    const wrong = new OpenAI({ baseURL, apiKey: 'sk_soma_not_a_key', maxRetries: 0 });
    const err = await wrong.chat.completions.create({ model: LOCAL, messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('invalid_api_key');
  });

  it('uses a policy through model "policy/<name>" for its own tenant only; runs stay the tenant’s', async () => {
    const put = await p.call('/v1/policies/oai-local', { key: t.key, method: 'PUT', body: { model: LOCAL, parameters: { max_tokens: 16 } } });
    expect(put.status).toBe(200);
    const { data, response } = await client.chat.completions.create({ model: 'policy/oai-local', messages: ask }).withResponse();
    expect(data.model).toBe(LOCAL);
    const other = await p.newTenant('openai-compat-other');
    const otherClient = new OpenAI({ baseURL, apiKey: other.key, maxRetries: 0 });
    const err = await otherClient.chat.completions.create({ model: 'policy/oai-local', messages: ask }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).code).toBe('policy_not_found');
    const runId = response.headers.get('x-soma-run-id')!;
    expect((await p.call(`/v1/runs/${runId}`, { key: other.key })).status).toBe(404);
  });

  it('routes model "auto" like /v1/completions', async () => {
    const data = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hi.' }] });
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.model).not.toBe('auto');
  });

  it('joins the same run for a retry with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': `oai-${Date.now()}` };
    const first = await client.chat.completions.create({ model: LOCAL, messages: ask }, { headers }).withResponse();
    const second = await client.chat.completions.create({ model: LOCAL, messages: ask }, { headers }).withResponse();
    expect(second.response.headers.get('x-soma-run-id')).toBe(first.response.headers.get('x-soma-run-id'));
    expect(second.data.id).toBe(first.data.id);
    expect(p.emulator.stats().total).toBe(1);
  });
});

describe('openai Python package', () => {
  it.runIf(existsSync(PYTHON))('answers plain and streamed, and raises NotFoundError for an unknown model', async () => {
    const script = `
import json, sys, openai
client = openai.OpenAI(base_url=sys.argv[1], api_key=sys.argv[2], max_retries=0)
plain = client.chat.completions.create(model=sys.argv[3], messages=[{"role": "user", "content": "What is the capital of France?"}])
chunks = list(client.chat.completions.create(model=sys.argv[3], messages=[{"role": "user", "content": "What is the capital of France?"}], stream=True, stream_options={"include_usage": True}))
try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    error = None
except openai.NotFoundError as e:
    error = {"status": e.status_code, "code": e.code}
print(json.dumps({
    "plain": plain.choices[0].message.content, "usage": plain.usage.total_tokens,
    "chunks": len(chunks), "streamed": "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
    "stream_usage": chunks[-1].usage.completion_tokens, "error": error,
}))
`;
    const { stdout } = await run(PYTHON, ['-c', script, baseURL, t.key, LOCAL], { timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out.plain).toContain('capital of France');
    expect(out.usage).toBeGreaterThan(0);
    expect(out.chunks).toBeGreaterThan(3);
    expect(out.streamed).toContain('capital of France');
    expect(out.stream_usage).toBeGreaterThan(0);
    expect(out.error).toEqual({ status: 404, code: 'model_not_found' });
  }, 90_000);
});

describe('Vercel AI SDK (OpenAI-compatible provider)', () => {
  const soma = () => createOpenAICompatible({ name: 'somaagent', baseURL, apiKey: t.key, includeUsage: true });

  it('generateText', async () => {
    const result = await generateText({ model: soma()(LOCAL), prompt: 'What is the capital of France?', maxRetries: 0 });
    expect(result.text).toContain('capital of France');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
  });

  it('streamText', async () => {
    const result = streamText({ model: soma()(LOCAL), prompt: 'What is the capital of France?', maxRetries: 0 });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    // The worker may send fast deltas as one batch: the text is what must arrive whole.
    expect(parts.length).toBeGreaterThanOrEqual(1);
    expect(parts.join('')).toContain('capital of France');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});

describe('Anthropic SDK (POST /v1/messages)', () => {
  const anthropic = (key = t.key) => new Anthropic({ baseURL: p.apiUrl, apiKey: key, maxRetries: 0 });

  it('answers a message in Anthropic’s shape, from a durable run named in x-soma-run-id', async () => {
    const { data, response } = await anthropic()
      .messages.create({ model: LOCAL, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'What is the capital of France?' }] })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.model).toBe(LOCAL);
    expect(data.content[0]).toMatchObject({ type: 'text' });
    expect((data.content[0] as { text: string }).text).toContain('capital of France');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const runId = response.headers.get('x-soma-run-id');
    expect(data.id).toBe(`msg_${runId}`);
  });

  it('streams Anthropic’s events into the SDK’s final message', async () => {
    const stream = anthropic().messages.stream({ model: LOCAL, max_tokens: 64, messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    expect(deltas.join('')).toContain('capital of France');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('raises the SDK’s typed errors: NotFoundError, AuthenticationError, BadRequestError', async () => {
    const missing = await anthropic().messages.create({ model: 'no-such-model', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const denied = await anthropic('sk_soma_not_a_key').messages.create({ model: LOCAL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    const tools = await anthropic()
      .messages.create({ model: LOCAL, max_tokens: 8, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f', input_schema: { type: 'object' } }] })
      .catch((e: unknown) => e);
    expect(tools).toBeInstanceOf(Anthropic.BadRequestError);
  });
});
