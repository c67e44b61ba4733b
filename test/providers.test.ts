/**
 * Each provider adapter through its official SDK against a real emulator on a random port:
 * answers, streams, usage, finish reasons, and every failure class mapped to the ProviderError
 * kind the workflow's retry policy keys off.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type FaultRequest } from '../tooling/emulator/create-emulator.ts';
import { createAnthropicProvider } from '../core/providers/anthropic-provider.ts';
import { createOpenAIProvider } from '../core/providers/openai-provider.ts';
import type { GenerateRequest, Provider, ProviderId, StreamPart } from '../core/providers/provider.ts';
import { ProviderError, type ProviderErrorKind } from '../core/providers/provider-error.ts';
import { retryAfterMsFrom } from '../core/providers/retry-after.ts';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
});

interface Variant {
  id: ProviderId;
  model: string;
  make(options?: { timeoutMs?: number; apiKey?: string; simulated?: boolean; url?: string }): Provider;
}

const variants: Variant[] = [
  {
    id: 'openai',
    model: 'gpt-4o-mini',
    make: (o = {}) =>
      createOpenAIProvider({ apiKey: o.apiKey ?? 'sk-test', baseURL: `${o.url ?? emulator.url}/v1`, simulated: o.simulated ?? false, timeoutMs: o.timeoutMs ?? 5_000 }),
  },
  {
    id: 'local',
    model: 'llama3.2',
    make: (o = {}) =>
      createOpenAIProvider({ id: 'local', apiKey: o.apiKey ?? 'placeholder', baseURL: `${o.url ?? emulator.url}/v1`, simulated: o.simulated ?? false, timeoutMs: o.timeoutMs ?? 5_000 }),
  },
  {
    id: 'anthropic',
    model: 'claude-haiku-4-5',
    make: (o = {}) =>
      createAnthropicProvider({ apiKey: o.apiKey ?? 'sk-ant-test', baseURL: o.url ?? emulator.url, simulated: o.simulated ?? false, timeoutMs: o.timeoutMs ?? 5_000 }),
  },
];

const USER_TEXT = 'what is the capital of France';
const EXPECTED_TEXT = `[simulated] You said: ${USER_TEXT}`;

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe.each(variants)('$id adapter', ({ id, model, make }) => {
  const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    model,
    messages: [{ role: 'user', content: USER_TEXT }],
    ...extra,
  });

  it('generates through the official SDK', async () => {
    const provider = make();
    expect(provider.id).toBe(id);
    const result = await provider.generate(request());
    expect(result).toEqual({
      text: EXPECTED_TEXT,
      usage: { inputTokens: 6, outputTokens: 9 },
      finishReason: 'stop',
      model,
      // Configured simulated: false — the emulator's x-soma-simulated header still labels it.
      simulated: true,
    });
    expect(emulator.stats().byModel[model]).toBe(1);
  });

  it('streams the same text, usage and finish reason as generate', async () => {
    const provider = make({ simulated: true });
    const generated = await provider.generate(request());
    const parts = await collect(provider.stream(request()));
    const finish = parts.at(-1);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(finish).toEqual({ type: 'finish', usage: generated.usage, finishReason: 'stop', model, simulated: true });
    const deltas = parts.slice(0, -1);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((part) => (part.type === 'text-delta' ? part.text : '')).join('')).toBe(generated.text);
  });

  it('forwards system messages (they count as input)', async () => {
    const provider = make();
    const result = await provider.generate(
      request({ messages: [{ role: 'system', content: 'answer in one short line' }, { role: 'user', content: USER_TEXT }] }),
    );
    expect(result.text).toBe(EXPECTED_TEXT);
    expect(result.usage.inputTokens).toBe(6 + 5);
  });

  it('maps max tokens to finish reason length, in both modes', async () => {
    const provider = make();
    const result = await provider.generate(request({ maxTokens: 4 }));
    expect(result).toMatchObject({ text: '[simulated] You said: what', finishReason: 'length', usage: { outputTokens: 4 } });
    const finish = (await collect(provider.stream(request({ maxTokens: 4 })))).at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'length', usage: { outputTokens: 4 } });
  });

  it('passes stop sequences', async () => {
    const result = await make().generate(request({ stop: ['capital'] }));
    expect(result.text).toBe('[simulated] You said: what is the ');
    expect(result.finishReason).toBe('stop');
  });

  const faultCases: { fault: FaultRequest; kind: ProviderErrorKind; retryable: boolean; status?: number; retryAfterMs?: number }[] = [
    { fault: { status: 429 }, kind: 'rate_limited', retryable: true, status: 429, retryAfterMs: 1_000 },
    { fault: { status: 429, retryAfterSeconds: 7 }, kind: 'rate_limited', retryable: true, status: 429, retryAfterMs: 7_000 },
    { fault: { status: 500 }, kind: 'server_error', retryable: true, status: 500 },
    { fault: { status: 503, retryAfterSeconds: 2 }, kind: 'overloaded', retryable: true, status: 503, retryAfterMs: 2_000 },
    { fault: { status: 529 }, kind: 'overloaded', retryable: true, status: 529 },
    { fault: { status: 400 }, kind: 'bad_request', retryable: false, status: 400 },
    { fault: { status: 401 }, kind: 'authentication', retryable: false, status: 401 },
    { fault: { status: 403 }, kind: 'permission', retryable: false, status: 403 },
    { fault: { status: 404 }, kind: 'not_found', retryable: false, status: 404 },
    { fault: { status: 'context_length' }, kind: 'context_length', retryable: false, status: 400 },
    { fault: { status: 'content_policy' }, kind: 'content_policy', retryable: false, status: 400 },
    { fault: { status: 'reset' }, kind: 'connection', retryable: true },
  ];

  it.each(faultCases)('fault $fault.status → $kind (retryable $retryable)', async ({ fault, kind, retryable, status, retryAfterMs }) => {
    const provider = make();
    emulator.injectFault({ ...fault, count: 2, model });
    // Sequential, so each call meets its own queued fault.
    for (const attempt of [() => provider.generate(request()), () => collect(provider.stream(request()))]) {
      const error = await failureOf(attempt());
      expect(error).toBeInstanceOf(ProviderError);
      const providerError = error as ProviderError;
      expect(providerError.provider).toBe(id);
      expect(providerError.kind).toBe(kind);
      expect(providerError.retryable).toBe(retryable);
      expect(providerError.status).toBe(status);
      expect(providerError.retryAfterMs).toBe(retryAfterMs);
    }
    // maxRetries is 0: exactly one HTTP call per adapter call, Temporal does the retrying.
    expect(emulator.stats().total).toBe(2);
  });

  it('times out a hung provider as a retryable timeout', async () => {
    const provider = make({ timeoutMs: 200 });
    emulator.injectFault({ status: 'hang', count: 2, model });
    // Sequential, so each call meets its own queued fault.
    for (const attempt of [() => provider.generate(request()), () => collect(provider.stream(request()))]) {
      const error = await failureOf(attempt());
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'timeout', retryable: true, provider: id });
    }
  });

  it('surfaces the caller aborting as a cancellation, not a ProviderError', async () => {
    const provider = make();
    emulator.injectFault({ status: 'hang', count: 1, model });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    const error = await failureOf(provider.generate(request({ signal: controller.signal })));
    expect(error).toBe(reason);
  });

  it('surfaces an abort mid-stream as a cancellation', async () => {
    const provider = make();
    emulator.configure({ chunkDelayMs: 30 });
    const controller = new AbortController();
    const seen: StreamPart[] = [];
    const error = await failureOf(
      (async () => {
        for await (const part of provider.stream(request({ signal: controller.signal }))) {
          seen.push(part);
          if (part.type === 'text-delta') controller.abort();
        }
      })(),
    );
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).name).toBe('AbortError');
    expect(seen.some((part) => part.type === 'finish')).toBe(false);
  });

  it('maps a rejected API key to authentication', async () => {
    const guarded = await createEmulator({ requireApiKey: 'sk-right' });
    try {
      const wrong = await failureOf(make({ url: guarded.url, apiKey: 'sk-wrong' }).generate(request()));
      expect(wrong).toMatchObject({ kind: 'authentication', retryable: false, status: 401 });
      const right = await make({ url: guarded.url, apiKey: 'sk-right' }).generate(request());
      expect(right.text).toBe(EXPECTED_TEXT);
    } finally {
      await guarded.close();
    }
  });

  it('maps a refused connection to a retryable connection error', async () => {
    const gone = await createEmulator();
    const url = gone.url;
    await gone.close();
    const error = await failureOf(make({ url }).generate(request()));
    expect(error).toMatchObject({ kind: 'connection', retryable: true, provider: id });
  });
});

describe('retryAfterMsFrom', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads retry-after-ms first, then retry-after seconds or HTTP date', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '1.5' }), now)).toBe(1_500);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5_000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores missing and malformed values', () => {
    expect(retryAfterMsFrom(undefined, now)).toBeUndefined();
    expect(retryAfterMsFrom(new Headers(), now)).toBeUndefined();
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsFrom(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
  });
});
