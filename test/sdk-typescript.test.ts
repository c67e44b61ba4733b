import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../api/openapi.ts';
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SSEDecoder,
  SomaAgent,
  SomaAgentError,
  ValidationError,
  retryAfterMs,
  retryDelayMs,
  shouldRetryStatus,
  type Completion,
  type CompletionRunStatus,
  type CompletionStreamEvent,
  type DocumentInput,
  type FetchInit,
  type MetadataFilter,
  type ModelInput,
  type SearchSource,
} from '../sdk/typescript/src/index.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * The TypeScript SDK against the real platform (API, Temporal, Postgres, the provider emulator):
 * results, the error hierarchy, retries with Idempotency-Key, timeouts, streaming and
 * cancellation, and the resources. Requests are counted by wrapping the real fetch, never faked.
 */

let p: TestPlatform;
let tenant: { tenantId: string; key: string };
let client: SomaAgent;
let admin: SomaAgent;
const suffix = Date.now().toString(36);
const [A, B] = ['a', 'b'].map((n) => `local/sdk-${n}-${suffix}`) as [string, string];
const providerModel = (id: string) => id.slice('local/'.length);
const hello = (content = 'Hello from the TypeScript SDK') => [{ role: 'user' as const, content }];

const localModel = (id: string): ModelInput => ({
  provider: 'local',
  provider_model: providerModel(id),
  context_window: 100_000,
  max_output_tokens: 4096,
  capabilities: { tools: false, vision: false, json_mode: true, streaming: true },
  pricing: { input_per_mtok: 1, output_per_mtok: 2 },
  tier: 1,
  quality: 0.5,
  typical_latency_ms: 100,
});

interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** The global fetch, recording what the SDK sends. */
function recordingFetch(): { fetch: (url: string, init: FetchInit) => Promise<Response>; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  return {
    sent,
    fetch: (url, init) => {
      sent.push({ method: init.method, url, headers: init.headers });
      return fetch(url, init);
    },
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  // One attempt per model: a provider 429/503 comes straight back from the API, for the SDK to retry.
  p = await startTestPlatform({ localModels: true, env: { PROVIDER_MAX_ATTEMPTS: '1', BREAKER_FAILURE_THRESHOLD: '50' } });
  tenant = await p.newTenant('sdk-typescript', { role: 'approver' });
  client = new SomaAgent({ apiKey: tenant.key, baseURL: p.apiUrl });
  admin = new SomaAgent({ apiKey: p.adminKey, baseURL: p.apiUrl });
  for (const id of [A, B]) await admin.admin.models.put(id, localModel(id));
});
afterAll(async () => p?.close());
afterEach(() => p.emulator.reset());

describe('client construction', () => {
  it('takes the key and base URL from the environment, and refuses to start without a key', async () => {
    const saved = { key: process.env.SOMAAGENT_API_KEY, url: process.env.SOMAAGENT_BASE_URL };
    try {
      delete process.env.SOMAAGENT_API_KEY;
      expect(() => new SomaAgent()).toThrow(SomaAgentError);
      expect(() => new SomaAgent()).toThrow(/SOMAAGENT_API_KEY/);
      process.env.SOMAAGENT_API_KEY = tenant.key;
      process.env.SOMAAGENT_BASE_URL = p.apiUrl;
      const fromEnv = new SomaAgent();
      expect(fromEnv.baseURL).toBe(p.apiUrl);
      expect(fromEnv.maxRetries).toBe(2);
      expect(fromEnv.timeout).toBe(60_000);
      expect((await fromEnv.models.list()).object).toBe('list');
      delete process.env.SOMAAGENT_BASE_URL;
      expect(new SomaAgent().baseURL).toBe('http://localhost:8080');
    } finally {
      for (const [name, value] of [['SOMAAGENT_API_KEY', saved.key], ['SOMAAGENT_BASE_URL', saved.url]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    // The key stays out of logs: it is not an enumerable (or inspectable) property.
    expect(JSON.stringify(client)).not.toContain(tenant.key);
    expect(() => new SomaAgent({ apiKey: 'k', baseURL: 'not a url' })).toThrow(/baseURL/);
  });
});

describe('completions', () => {
  it('creates a completion and finds its run', async () => {
    const completion = await client.completions.create({ model: A, messages: hello(), max_tokens: 64 });
    expect(completion).toMatchObject({ object: 'completion', model: A, provider: 'local', simulated: true, fallback_depth: 0, finish_reason: 'stop' });
    expect(completion.text).toMatch(/^\[simulated\]/);
    expect(completion.usage.output_tokens).toBeGreaterThan(0);
    const run = await client.runs.get<Completion>(completion.id);
    expect(run).toMatchObject({ id: completion.id, object: 'run', kind: 'completion', status: 'completed' });
    expect(run.result?.text).toBe(completion.text);
  });

  it('reports the auto routing decision in snake_case', async () => {
    const completion = await client.completions.create({ model: 'auto', routing: { fallbacks: 1 }, messages: hello() });
    expect(completion.routing?.chosen.estimated_cost_usd).toEqual(expect.any(Number));
    expect(completion.routing?.chosen).not.toHaveProperty('estimatedCostUsd');
  });

  it('sends one Idempotency-Key per call, and a retried call gets the same run back', async () => {
    const recorder = recordingFetch();
    const recorded = client.withOptions({ fetch: recorder.fetch });
    const key = `sdk-idem-${suffix}`;
    const body = { model: A, messages: hello('idempotent please') };
    const first = await recorded.completions.create(body, { idempotencyKey: key });
    const again = await recorded.completions.create(body, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.text).toBe(first.text);
    expect(p.emulator.stats().byModel[providerModel(A)]).toBe(1);
    expect(recorder.sent.map((r) => r.headers['idempotency-key'])).toEqual([key, key]);

    const other = await recorded.completions.create(body);
    expect(other.id).not.toBe(first.id);
    const generated = recorder.sent[2]!.headers['idempotency-key'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    // GETs carry none.
    await recorded.runs.get(first.id);
    expect(recorder.sent[3]!.headers['idempotency-key']).toBeUndefined();
    expect(recorder.sent[3]!.headers['user-agent']).toMatch(/^somaagent-sdk-typescript\//);

    // The same key on another request is refused (422), as the draft standard says.
    const reused = await rejection(recorded.completions.create({ model: A, messages: hello('something else') }, { idempotencyKey: key }));
    expect(reused).toBeInstanceOf(ValidationError);
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it('starts a background run, queries it, and cancels it', async () => {
    p.emulator.configure({ latencyMs: 5_000 });
    const started = await client.completions.create({ model: A, messages: hello(), background: true });
    expect(started).toMatchObject({ object: 'run', kind: 'completion', status: 'running' });
    const status = await client.runs.query<CompletionRunStatus>(started.id, 'status');
    expect(status).toMatchObject({ id: started.id, query: 'status', result: { stage: 'calling_model', model: A, fallback_depth: 0, history: [] } });
    expect(status.result).not.toHaveProperty('fallbackDepth');
    const listed = await client.runs.list({ kind: 'completion', limit: 50 });
    expect(listed.data.some((r) => r.id === started.id)).toBe(true);
    expect(await client.runs.cancel(started.id)).toEqual({ id: started.id, status: 'cancel_requested' });
    await expect.poll(async () => (await client.runs.get(started.id)).status, { timeout: 15_000, interval: 200 }).toBe('cancelled');
    const again = await rejection(client.runs.cancel(started.id, { maxRetries: 0 }));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ status: 409, code: 'run_not_running' });
    const signal = await rejection(client.runs.signal(started.id, 'nudge', { args: [1] }, { maxRetries: 0 }));
    expect(signal).toBeInstanceOf(ConflictError);
  });
});

describe('errors', () => {
  it('throws AuthenticationError with the request id for a bad key, without retrying', async () => {
    const recorder = recordingFetch();
    const bad = new SomaAgent({ apiKey: 'sk_soma_not_a_real_key', baseURL: p.apiUrl, fetch: recorder.fetch });
    const error = await rejection(bad.runs.list());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(APIError);
    const auth = error as AuthenticationError;
    expect(auth).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key', name: 'AuthenticationError' });
    expect(auth.requestId).toMatch(/^req_/);
    expect(auth.requestId).toBe(auth.headers.get('x-request-id'));
    expect(auth.message).toContain('invalid_api_key');
    expect(recorder.sent).toHaveLength(1);
  });

  it('throws ValidationError listing every problem of a 400', async () => {
    const error = await rejection(client.completions.create({ model: A, messages: [], temperature: 7 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(BadRequestError);
    const invalid = error as ValidationError;
    expect(invalid).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'validation_failed' });
    expect(invalid.problems.map((d) => d.path).sort()).toEqual(['messages', 'temperature']);
    expect(invalid.details).toEqual(invalid.problems);

    // A 400 without a problem list is a plain BadRequestError.
    const unknown = await rejection(client.completions.create({ model: 'no-such-model', messages: hello() }));
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect(unknown).not.toBeInstanceOf(ValidationError);
    expect(unknown).toMatchObject({ code: 'model_not_found' });
  });

  it('throws NotFoundError and PermissionDeniedError', async () => {
    const run = await rejection(client.runs.get(`completion-${tenant.tenantId}-nope`));
    expect(run).toBeInstanceOf(NotFoundError);
    expect(run).toMatchObject({ status: 404, code: 'run_not_found' });
    expect(await rejection(client.prompts.get('no-such-template'))).toBeInstanceOf(NotFoundError);
    const denied = await rejection(client.admin.tenants.list());
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).toMatchObject({ status: 403, code: 'admin_required' });
  });

  it('throws BudgetExceededError with the budget that was hit', async () => {
    const budget = await admin.admin.budgets.put(tenant.tenantId, { period: 'day', limit_usd: 0, on_exceed: 'reject' });
    try {
      expect((await client.budgets.list()).data.map((b) => b.id)).toContain(budget.id);
      const error = await rejection(client.completions.create({ model: A, messages: hello() }));
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect((error as BudgetExceededError).budget).toMatchObject({ budget_id: budget.id, period: 'day', limit_usd: 0 });
    } finally {
      expect(await admin.admin.budgets.delete(tenant.tenantId, budget.id)).toMatchObject({ id: budget.id, deleted: true });
    }
  });
});

describe('retries', () => {
  it('retries a 429 after its Retry-After and succeeds, with the same Idempotency-Key', async () => {
    p.emulator.injectFault({ status: 429, count: 1, model: providerModel(A), retryAfterSeconds: 1 });
    const recorder = recordingFetch();
    const retrying = client.withOptions({ fetch: recorder.fetch });
    const started = Date.now();
    const completion = await retrying.completions.create({ model: A, messages: hello('rate limited once') });
    expect(completion.object).toBe('completion');
    expect(recorder.sent).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const [first, second] = recorder.sent.map((r) => r.headers['idempotency-key']);
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });

  it('throws RateLimitError with maxRetries: 0', async () => {
    p.emulator.injectFault({ status: 429, count: 1, model: providerModel(A), retryAfterSeconds: 3 });
    const recorder = recordingFetch();
    const error = await rejection(client.withOptions({ fetch: recorder.fetch }).completions.create({ model: A, messages: hello() }, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'provider_rate_limited' });
    expect(retryAfterMs((error as RateLimitError).headers)).toBe(3_000);
    expect(recorder.sent).toHaveLength(1);
  });

  it('does not retry a provider 503 the run already retried: the API says x-should-retry: false', async () => {
    // The run retried the provider itself (here once: PROVIDER_MAX_ATTEMPTS=1); a client retry
    // would run the whole chain again, so the API tells the SDK not to, and the SDK obeys.
    p.emulator.injectFault({ status: 503, count: 1, model: providerModel(A) });
    const recorder = recordingFetch();
    const retrying = client.withOptions({ fetch: recorder.fetch, maxRetries: 2 });
    const error = await rejection(retrying.completions.create({ model: A, messages: hello('overloaded provider') }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503, type: 'provider_error', code: 'provider_overloaded' });
    expect((error as InternalServerError).headers.get('x-should-retry')).toBe('false');
    expect(recorder.sent).toHaveLength(1);
    expect(p.emulator.stats().byModel[providerModel(A)]).toBe(1);
  });

  it('retries a provider 503 that came with Retry-After, and gives up with InternalServerError when every attempt fails', async () => {
    // The provider said when to come back: the API leaves the decision to the SDK's rule (5xx: retry).
    p.emulator.injectFault({ status: 503, count: 1, model: providerModel(A), retryAfterSeconds: 1 });
    const recorder = recordingFetch();
    const retrying = client.withOptions({ fetch: recorder.fetch, maxRetries: 1 });
    const started = Date.now();
    expect((await retrying.completions.create({ model: A, messages: hello('come back later') })).object).toBe('completion');
    expect(recorder.sent).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(recorder.sent[1]!.headers['idempotency-key']).toBe(recorder.sent[0]!.headers['idempotency-key']);

    p.emulator.injectFault({ status: 503, count: 2, model: providerModel(A), retryAfterSeconds: 1 });
    const error = await rejection(retrying.completions.create({ model: A, messages: hello('still overloaded') }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503, code: 'provider_overloaded' });
    expect((error as InternalServerError).headers.get('x-should-retry')).toBeNull();
    expect(retryAfterMs((error as InternalServerError).headers)).toBe(1_000);
    expect(recorder.sent).toHaveLength(4);
  });

  it('does not retry a 409 other than idempotency_key_in_use', async () => {
    const completion = await client.completions.create({ model: A, messages: hello('done already') });
    const recorder = recordingFetch();
    const error = await rejection(client.withOptions({ fetch: recorder.fetch }).runs.cancel(completion.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'run_not_running' });
    expect((error as ConflictError).headers.get('x-should-retry')).toBe('false');
    expect(recorder.sent).toHaveLength(1);
  });

  it('throws APIConnectionError after retrying a refused connection', async () => {
    const recorder = recordingFetch();
    const nowhere = new SomaAgent({ apiKey: tenant.key, baseURL: `http://127.0.0.1:${await closedPort()}`, fetch: recorder.fetch });
    const error = await rejection(nowhere.runs.list());
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APITimeoutError);
    expect(recorder.sent).toHaveLength(3);
  });

  it('throws APITimeoutError when the answer is slower than the timeout; the retry joins the same run', async () => {
    p.emulator.configure({ latencyMs: 1_500 });
    const recorder = recordingFetch();
    const hasty = client.withOptions({ fetch: recorder.fetch, timeout: 300, maxRetries: 1 });
    const key = `sdk-timeout-${suffix}`;
    const body = { model: A, messages: hello('slow answer') };
    const error = await rejection(hasty.completions.create(body, { idempotencyKey: key }));
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(recorder.sent).toHaveLength(2);
    // Asked again with the same key and patience, the answer is the run the first call started.
    const completion = await hasty.completions.create(body, { idempotencyKey: key, timeout: 10_000 });
    expect(p.emulator.stats().byModel[providerModel(A)]).toBe(1);
    expect((await client.runs.get(completion.id)).status).toBe('completed');
  });

  it('stops at once when the caller aborts, even between retries', async () => {
    p.emulator.configure({ latencyMs: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await rejection(client.completions.create({ model: A, messages: hello() }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe('streaming', () => {
  it('yields typed events: run, deltas, then the completion', async () => {
    p.emulator.configure({ chunkDelayMs: 10 });
    const stream = await client.completions.stream({ model: A, messages: hello('please stream these words back') });
    expect(stream.runId).toMatch(new RegExp(`^completion-${tenant.tenantId}-`));
    expect(stream.requestId).toMatch(/^req_/);
    const events: CompletionStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]).toMatchObject({ type: 'run', id: stream.runId, object: 'run', kind: 'completion', model: A, requested_model: A });
    const deltas = events.flatMap((e) => (e.type === 'delta' ? [e.text] : []));
    expect(deltas.length).toBeGreaterThan(2);
    const last = events.at(-1)!;
    expect(last.type).toBe('completion');
    const completion = (last as Extract<CompletionStreamEvent, { type: 'completion' }>).completion;
    expect(completion).toMatchObject({ id: stream.runId, object: 'completion', model: A });
    expect(deltas.join('')).toBe(completion.text);
    expect(await stream.finalCompletion()).toEqual(completion);
    expect(await stream.text()).toBe(completion.text);
    const second = await rejection(
      (async () => {
        for await (const _ of stream) break;
      })(),
    );
    expect(second).toBeInstanceOf(SomaAgentError);
    expect((second as Error).message).toMatch(/already/);
  });

  it('reads to the end for finalCompletion() and text() without iterating; create({ stream: true }) streams too', async () => {
    const stream = await client.completions.stream({ model: A, messages: hello() });
    const completion = await stream.finalCompletion();
    expect(completion.id).toBe(stream.runId);
    expect(stream.currentText).toBe(completion.text);
    const created = await client.completions.create({ model: A, messages: hello(), stream: true });
    expect(await created.text()).toMatch(/^\[simulated\]/);
  });

  it('drops the text of an attempt the fallback discards', async () => {
    p.emulator.configure({ chunkDelayMs: 5 });
    p.emulator.injectFault({ status: 'drop_mid_stream', count: 1, model: providerModel(A) });
    const stream = await client.completions.stream({ models: [A, B], messages: hello('fall back on me please') });
    const events: CompletionStreamEvent[] = [];
    let textAtFallback = '';
    for await (const event of stream) {
      if (event.type === 'fallback') textAtFallback = stream.currentText;
      events.push(event);
    }
    const fallbackAt = events.findIndex((e) => e.type === 'fallback');
    expect(events[fallbackAt]).toMatchObject({ type: 'fallback', from: A, to: B, model: B, fallback_depth: 1, discard_text: true });
    // Text of the dropped attempt had arrived, and was discarded from the accumulated text.
    expect(events.slice(0, fallbackAt).some((e) => e.type === 'delta')).toBe(true);
    expect(textAtFallback).toBe('');
    const completion = await stream.finalCompletion();
    expect(completion).toMatchObject({ model: B, fallback_depth: 1 });
    expect(stream.currentText).toBe(completion.text);
    expect(await stream.text()).toBe(completion.text);
  });

  it('throws the typed error of an error event while iterating', async () => {
    p.emulator.injectFault({ status: 'content_policy', count: 1, model: providerModel(A) });
    const stream = await client.completions.stream({ models: [A, B], messages: hello() });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
    );
    expect(seen).toEqual(['run']);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'content_policy' });
    expect((error as APIError).requestId).toMatch(/^req_/);
    await expect(stream.finalCompletion()).rejects.toBe(error);
  });

  it('throws before streaming when the request is refused', async () => {
    const error = await rejection(client.completions.stream({ model: 'no-such-model', messages: hello() }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'model_not_found' });
  });

  it('cancels the run when the stream is aborted', async () => {
    p.emulator.configure({ chunkDelayMs: 300 });
    const stream = await client.completions.stream({ model: A, messages: hello('a slow stream to abort') });
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (seen.length === 1) stream.abort();
    }
    expect(seen).toEqual(['run']);
    await expect(stream.finalCompletion()).rejects.toBeInstanceOf(APIUserAbortError);
    await expect.poll(async () => (await client.runs.get(stream.runId)).status, { timeout: 15_000, interval: 200 }).toBe('cancelled');
  });
});

describe('resources', () => {
  it('prompts: create, version, label, diff, render, list', async () => {
    const name = `sdk-greeting-${suffix}`;
    const variables = { properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] };
    const created = await client.prompts.create({ name, text: 'Hello {{ name }}!', variables, labels: ['staging'] });
    expect(created).toMatchObject({ object: 'prompt_template', name, latest_version: 1, labels: { staging: 1 }, version: { version: 1 } });
    const v2 = await client.prompts.versions.create(name, { text: 'Hi {{ name }}, welcome back.', variables, note: 'warmer' });
    expect(v2).toMatchObject({ version: 2, created: true, note: 'warmer' });
    expect((await client.prompts.versions.list(name)).data.map((v) => v.version)).toEqual([2, 1]);
    expect(await client.prompts.versions.get(name, 1)).toMatchObject({ text: 'Hello {{ name }}!' });
    const moved = await client.prompts.labels.move(name, 'production', { version: 2, expected_version: null, reason: 'ship it' });
    expect(moved).toMatchObject({ label: 'production', version: 2, previous_version: null, moved: true });
    expect((await client.prompts.labels.history(name)).data[0]).toMatchObject({ label: 'production', to_version: 2, reason: 'ship it' });
    expect(await client.prompts.diff(name, { from: 1, to: 2 })).toMatchObject({ identical: false, lines_added: 1, lines_removed: 1 });

    const rendered = await client.prompts.render(name, { variables: { name: 'Ada' } });
    // With no label or version, production (else the latest) renders.
    expect(rendered).toMatchObject({ object: 'prompt_render', version: 2, type: 'text', text: 'Hi Ada, welcome back.' });
    expect(await client.prompts.render(name, { label: 'staging', variables: { name: 'Ada' } })).toMatchObject({ version: 1, text: 'Hello Ada!' });
    const invalid = await rejection(client.prompts.render(name, { variables: {} }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ code: 'variables_invalid' });
    expect((invalid as ValidationError).problems.length).toBeGreaterThan(0);

    expect(await client.prompts.labels.delete(name, 'staging', { reason: 'unused' })).toMatchObject({ label: 'staging', version: null, previous_version: 1 });
    expect(await client.prompts.get(name)).toMatchObject({ latest_version: 2, labels: { production: 2 }, latest: { version: 2 } });
    expect((await client.prompts.list({ limit: 200 })).data.map((t) => t.name)).toContain(name);

    const completion = await client.completions.create({ model: A, template: { name, variables: { name: 'Grace' } } });
    expect(completion.prompt).toMatchObject({ name, version: 2, label: null });
  });

  it('experiments: create, assign, record outcomes, results', async () => {
    const template = `sdk-exp-${suffix}`;
    const variables = { properties: { x: { type: 'string' } }, required: ['x'] };
    await client.prompts.create({ name: template, text: 'A {{ x }}', variables });
    await client.prompts.versions.create(template, { text: 'B {{ x }}', variables });
    const experiment = await client.experiments.create({
      name: 'sdk experiment',
      template,
      variants: [{ name: 'control', version: 1 }, { name: 'treatment', version: 2 }],
      metric: 'score',
      min_samples_per_variant: 1000,
    });
    expect(experiment).toMatchObject({ object: 'experiment', status: 'running', template });
    const assignment = await client.experiments.assign(experiment.id, { subject_id: 'user-1', variables: { x: 'y' } });
    expect(assignment).toMatchObject({ object: 'experiment_assignment', subject_id: 'user-1', first_exposure: true });
    expect(assignment.rendered?.text).toMatch(/^[AB] y$/);
    expect(await client.experiments.recordOutcome(experiment.id, { subject_id: 'user-1', value: 0.8 })).toMatchObject({ value: 0.8, variant: assignment.variant });
    const results = await client.experiments.results(experiment.id);
    expect(results).toMatchObject({ object: 'experiment_results', test: 'welch_t_test', control: 'control' });
    expect(results.variants.reduce((n, v) => n + v.exposures, 0)).toBe(1);
    expect((await client.experiments.get(experiment.id)).id).toBe(experiment.id);
    expect((await client.experiments.list()).data.map((e) => e.id)).toContain(experiment.id);
    const early = await rejection(client.experiments.approve(experiment.id, { decision: 'approve' }, { maxRetries: 0 }));
    expect(early).toBeInstanceOf(ConflictError);
    expect(early).toMatchObject({ code: 'experiment_not_awaiting_approval' });
    await client.runs.cancel(experiment.id);
  });

  it('models, usage, system', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toContain(A);
    // A model id with a slash travels encoded.
    expect(await client.models.get(A)).toMatchObject({ id: A, object: 'model', provider: 'local', source: 'admin' });
    expect(await client.usage.models({ window: '1h' })).toMatchObject({ object: 'list' });
    expect(await client.usage.cost({ window: '24h', simulated: true })).toMatchObject({ object: 'cost_report', tenant_id: tenant.tenantId });
    expect(await client.system.health()).toEqual({ status: 'ok' });
    expect(await client.system.ready()).toMatchObject({ status: 'ready' });
    expect(await client.system.metrics()).toContain('somaagent_http_request_duration_seconds');
    const served = await client.system.openapi();
    expect(Object.keys(served.paths as object).sort()).toEqual(Object.keys(openApiDocument.paths).sort());
  });

  it('policies: a named policy chooses the model', async () => {
    const name = `sdk-policy-${suffix}`;
    expect(await client.policies.put(name, { models: [B, A], parameters: { max_tokens: 32 } })).toMatchObject({ object: 'policy', name, models: [B, A], default: false });
    expect((await client.policies.list()).data.map((x) => x.name)).toContain(name);
    expect(await client.policies.get(name)).toMatchObject({ name });
    const completion = await client.completions.create({ policy: name, messages: hello() });
    expect(completion).toMatchObject({ model: B, policy: name });
    expect(await client.policies.delete(name)).toMatchObject({ name, deleted: true });
    expect(await rejection(client.policies.get(name))).toBeInstanceOf(NotFoundError);
  });

  it('capsules: publish, read, install', async () => {
    const name = `sdk-capsule-${suffix}`;
    const published = await client.capsules.publish({
      name,
      version: '1.0.0',
      description: 'From the SDK test',
      prompts: [{ name: `${name}-prompt`, text: 'Summarise {{ topic }}', variables: { properties: { topic: { type: 'string' } } }, labels: ['production'] }],
      model_policy: { model: A },
    });
    expect(published).toMatchObject({ object: 'capsule_version', name, version: '1.0.0' });
    expect(await client.capsules.get(name)).toMatchObject({ object: 'capsule', name, latest_version: '1.0.0' });
    expect(await client.capsules.versions.get(name, '1.0.0')).toMatchObject({ content_hash: published.content_hash });
    expect((await client.capsules.list()).data.map((c) => c.name)).toContain(name);
    const installed = await client.capsules.install(name);
    expect(installed).toMatchObject({ object: 'capsule_install', name, version: '1.0.0', policy: name });
    expect((await client.capsules.listInstalled()).data.map((c) => c.name)).toContain(name);
  });

  it('admin: tenants and keys', async () => {
    const created = await admin.admin.tenants.create({ name: `sdk-admin-${suffix}` });
    expect(created).toMatchObject({ object: 'tenant' });
    expect((await admin.admin.tenants.list()).data.map((t) => t.id)).toContain(created.id);
    const key = await admin.admin.keys.create(created.id, { name: 'sdk' });
    expect(key.key).toMatch(/^sk_soma_/);
    const theirs = new SomaAgent({ apiKey: key.key!, baseURL: p.apiUrl });
    expect((await theirs.runs.list()).data).toEqual([]);
    expect((await admin.admin.keys.list(created.id)).data.map((k) => k.id)).toEqual([key.id]);
    expect((await admin.admin.keys.revoke(key.id)).revoked_at).not.toBeNull();
    expect(await rejection(theirs.runs.list())).toBeInstanceOf(AuthenticationError);
    expect(await rejection(admin.admin.keys.list('tenant-does-not-exist'))).toBeInstanceOf(NotFoundError);
  });

  it('runs: the history of a run, and following it while it runs', async () => {
    p.emulator.configure({ latencyMs: 1_000 });
    const started = await client.completions.create({ model: A, messages: hello('follow me'), background: true });
    const stream = await client.runs.events(started.id, { follow: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('workflow_execution_started');
    expect(types.at(-1)).toBe('workflow_execution_completed');
    expect(stream.end).toEqual({ id: started.id, closed: true });
    const history = await client.runs.events(started.id);
    expect(history.data.map((e) => e.type)).toEqual(types);
    expect(history.data.some((e) => e.summary?.startsWith('callModel'))).toBe(true);
  });

  it('conversations: a completion continues one', async () => {
    const conversation = await client.conversations.create({ title: 'sdk', messages: [{ role: 'user', content: 'My name is Ada.' }] });
    expect(conversation).toMatchObject({ object: 'conversation', title: 'sdk', messages: [{ seq: 1, role: 'user', content: 'My name is Ada.' }] });
    const completion = await client.completions.create({ model: A, conversation: conversation.id, messages: hello('What is my name?') });
    expect(completion.conversation).toBe(conversation.id);
    const appended = await client.conversations.append(conversation.id, { messages: [{ role: 'user', content: 'Thanks!', metadata: { via: 'sdk' } }] });
    expect(appended.data).toMatchObject([{ role: 'user', content: 'Thanks!', run_id: null, metadata: { via: 'sdk' } }]);
    const thread = await client.conversations.get(conversation.id);
    expect(thread.messages.map((m) => m.role)).toEqual(['user', 'user', 'assistant', 'user']);
    expect(thread.messages[2]).toMatchObject({ content: completion.text, run_id: completion.id });
    expect((await client.conversations.list({ limit: 10 })).data.map((c) => c.id)).toContain(conversation.id);
    expect(await client.conversations.delete(conversation.id)).toEqual({ id: conversation.id, object: 'conversation', deleted: true });
    expect(await rejection(client.conversations.get(conversation.id))).toBeInstanceOf(NotFoundError);
  });

  it('escape hatches: client.get/post for routes newer than the SDK', async () => {
    expect(await client.get<{ status: string }>('/healthz')).toEqual({ status: 'ok' });
    const rendered = await client.post<{ object: string }>('/v1/prompts/no-such-template/render', { body: {}, maxRetries: 0 }).catch((e: unknown) => e);
    expect(rendered).toBeInstanceOf(NotFoundError);
  });
});

describe('memory and RAG', () => {
  const collection = `sdk-handbook-${suffix}`;
  const handbook: DocumentInput[] = [
    { source: 'leave.md', text: '# Leave\n\nEmployees get 25 days of paid holiday a year. Unused days carry over until March.', metadata: { team: 'people', year: 2026 } },
    { source: 'travel.md', text: '# Travel\n\n## Trains\n\nTrain travel is preferred for trips under four hours.\n\n## Flights\n\nFlights need a manager approval.', metadata: { team: 'finance', year: 2025 } },
    {
      source: 'oncall.html',
      text: '<html><head><title>On call</title></head><body><nav>menu</nav><h1>On call</h1><p>When a worker dies mid-call, Temporal notices the missed heartbeat and retries the activity on another worker.</p></body></html>',
      metadata: { team: 'ops', year: 2026 },
    },
  ];
  // The source is a union: `type` narrows it to a document's or a conversation message's fields.
  const sourceOf = (hit: { source: SearchSource }) => (hit.source.type === 'document' ? hit.source.source : undefined);

  it('ingests documents and waits; unchanged ones are left alone; lists and gets them', async () => {
    const ingestion = await client.memory.documents.ingest({ collection, documents: handbook, wait: true });
    expect(ingestion).toMatchObject({ object: 'ingestion', collection, total: 3, done: 3 });
    expect(ingestion.documents.map((d) => d.status)).toEqual(['ready', 'ready', 'ready']);
    expect(ingestion.chunks_embedded).toBe(ingestion.chunks_total);
    const again = await client.memory.documents.ingest({ collection, documents: handbook, wait: true });
    expect(again.documents.map((d) => d.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    const listed = await client.memory.documents.list({ collection });
    expect(listed).toMatchObject({ object: 'list', has_more: false });
    expect(listed.data.map((d) => d.source).sort()).toEqual(['leave.md', 'oncall.html', 'travel.md']);
    const leave = listed.data.find((d) => d.source === 'leave.md')!;
    expect(leave.id).toBe(ingestion.documents[0]!.document_id);
    expect(await client.memory.documents.get(leave.id)).toMatchObject({ object: 'document', id: leave.id, collection, status: 'ready', mime: 'text/markdown', metadata: { team: 'people', year: 2026 } });
    expect((await client.memory.documents.get(listed.data.find((d) => d.source === 'oncall.html')!.id)).title).toBe('On call');
    expect((await client.memory.documents.list({ collection, limit: 1 })).has_more).toBe(true);
  });

  it('searches dense, keyword and hybrid, by collection and with a metadata filter', async () => {
    // Meaning, not words: no query term is in the passage.
    const dense = await client.memory.search({ query: 'what happens if a machine running jobs goes down?', mode: 'dense', sources: ['documents'], collections: [collection], k: 3 });
    expect(dense).toMatchObject({ object: 'list', mode: 'dense' });
    expect(dense.data[0]).toMatchObject({ object: 'search_result', source: { type: 'document', source: 'oncall.html', collection, title: 'On call' } });
    expect(dense.data.every((h) => h.ranks.dense !== undefined && h.ranks.keyword === undefined)).toBe(true);

    const keyword = await client.memory.search({ query: 'manager approval flights', mode: 'keyword', sources: ['documents'], collections: [collection] });
    expect(keyword.data[0]!.source).toMatchObject({ source: 'travel.md', heading_path: 'Travel > Flights' });

    const hybrid = await client.memory.search({ query: 'days of paid holiday', sources: ['documents'], collections: [collection], k: 3 });
    expect(hybrid.mode).toBe('hybrid');
    expect(sourceOf(hybrid.data[0]!)).toBe('leave.md');
    expect(hybrid.data[0]!.ranks).toMatchObject({ dense: expect.any(Number), keyword: expect.any(Number) });

    const filter: MetadataFilter = { team: { $in: ['people', 'ops'] }, year: { $gte: 2026 } };
    const filtered = await client.memory.search({ query: 'holiday travel worker', sources: ['documents'], collections: [collection], metadata: filter });
    expect(new Set(filtered.data.map(sourceOf))).toEqual(new Set(['leave.md', 'oncall.html']));
    expect((await client.memory.search({ query: 'holiday', sources: ['documents'], collections: [`${collection}-other`] })).data).toEqual([]);
    // Conversation messages by time: none in the future.
    expect((await client.memory.search({ query: 'holiday', sources: ['conversations'], from: '2999-01-01T00:00:00Z' })).data).toEqual([]);
  });

  it('ingests in the background, and deletes a document everywhere', async () => {
    const started = await client.memory.documents.ingest({ collection, documents: [{ source: 'scratch.txt', text: 'The office parrot is called Captain Nimbus.' }] });
    expect(started).toMatchObject({ object: 'run', kind: 'ingestion', status: 'running' });
    await expect.poll(async () => (await client.runs.get(started.id)).status, { timeout: 30_000, interval: 200 }).toBe('completed');
    const found = await client.memory.search({ query: 'parrot Nimbus', mode: 'keyword', sources: ['documents'], collections: [collection] });
    expect(found.data.map(sourceOf)).toEqual(['scratch.txt']);

    const scratch = (await client.memory.documents.list({ collection })).data.find((d) => d.source === 'scratch.txt')!;
    expect(await client.memory.documents.delete(scratch.id)).toEqual({ id: scratch.id, object: 'document', deleted: true });
    expect((await client.memory.search({ query: 'office parrot', mode: 'dense', sources: ['documents'], collections: [collection] })).data.map(sourceOf)).not.toContain('scratch.txt');
    const gone = await rejection(client.memory.documents.get(scratch.id));
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone).toMatchObject({ status: 404, code: 'document_not_found' });
    expect(await rejection(client.memory.documents.delete(scratch.id))).toBeInstanceOf(NotFoundError);
  });

  it('answers with RAG: context, checked citations, the completion run; in the background too', async () => {
    const rag = await client.rag.answer({ question: 'How many days of paid holiday do employees get?', model: A, collections: [collection], k: 3 });
    expect(rag.object).toBe('rag');
    expect(rag.context[0]).toMatchObject({ label: '1', source: { type: 'document', source: 'leave.md' } });
    // The emulator echoes the prompt, which starts with the sources: so the "answer" cites [1].
    expect(rag.citations[0]).toMatchObject({ label: '1', id: rag.context[0]!.id });
    const labels = new Set(rag.context.map((c) => c.label));
    for (const citation of rag.citations) {
      expect(labels.has(citation.label)).toBe(true);
      expect(citation.text.length).toBeGreaterThan(0);
    }
    expect(rag.invalid_citations).toEqual([]);
    expect(rag.answer.length).toBeGreaterThan(0);
    expect(rag.completion).toMatchObject({ object: 'completion', model: A, provider: 'local' });
    expect(rag.completion!.usage.input_tokens).toBeGreaterThan(20);
    expect((await client.runs.get(rag.completion!.id)).status).toBe('completed');

    // Nothing retrieved: no model is called.
    const nothing = await client.rag.answer({ question: 'What is the parking policy?', model: A, collections: [`${collection}-empty`] });
    expect(nothing).toMatchObject({ context: [], citations: [], completion: null });
    expect(p.emulator.stats().byModel[providerModel(A)]).toBe(1);

    const started = await client.rag.answer({ question: 'Do flights need approval?', model: A, collections: [collection], background: true });
    expect(started).toMatchObject({ object: 'run', kind: 'rag', status: 'running' });
    await expect.poll(async () => (await client.runs.get(started.id)).status, { timeout: 30_000, interval: 200 }).toBe('completed');
    expect((await client.runs.get<{ answer: string }>(started.id)).result?.answer.length).toBeGreaterThan(0);
  });

  it('injects memory into a completion and says what it injected', async () => {
    const completion = await client.completions.create({ model: A, messages: hello('Do I need approval to fly to a conference?'), memory: { collections: [collection], k: 2 } });
    expect(completion.memory?.injected[0]).toMatchObject({ label: '1', source: { type: 'document', source: 'travel.md' } });
    expect(completion.usage.input_tokens).toBeGreaterThan(30);
  });

  it('refuses bad input with ValidationError, and unknown documents with NotFoundError', async () => {
    const duplicate = await rejection(client.memory.documents.ingest({ collection, documents: [{ source: 'x', text: 'a' }, { source: 'x', text: 'b' }], wait: true }));
    expect(duplicate).toBeInstanceOf(ValidationError);
    expect(duplicate).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((duplicate as ValidationError).problems.map((d) => d.path)).toEqual(['documents']);
    // Both text and url: the types refuse it, and so does the API.
    const both = { source: 'x', text: 'a', url: 'http://example.com/a' } as unknown as DocumentInput;
    const bad = await rejection(client.memory.documents.ingest({ collection: 'Not A Collection', documents: [both], wait: true }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).problems.map((d) => d.path).sort()).toEqual(['collection', 'documents.0.text']);

    const badFilter = await rejection(client.memory.search({ query: 'x', metadata: { year: { $between: 1 } } as unknown as MetadataFilter }));
    expect(badFilter).toBeInstanceOf(ValidationError);
    expect(await rejection(client.memory.search({ query: 'x', from: 'yesterday' }))).toBeInstanceOf(ValidationError);
    const empty = await rejection(client.memory.search({ query: ' ' }));
    expect((empty as ValidationError).problems.map((d) => d.path)).toEqual(['query']);
    const question = await rejection(client.rag.answer({ question: '', model: A }));
    expect(question).toBeInstanceOf(ValidationError);

    const missing = await rejection(client.memory.documents.get('doc_nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'document_not_found' });
  });
});

describe('building blocks', () => {
  it('parses Server-Sent Events across any chunk boundary and line ending', () => {
    const wire = ': keep-alive\r\n\r\nevent: run\r\ndata: {"id":"r1"}\r\n\r\nevent: delta\ndata: {"text":"a\\nb"}\n\n: keep-alive\n\nevent: delta\rdata: {"text":"c"}\r\rdata: x\ndata: y\n\nevent: partial\ndata: never dispatched';
    const expected = [
      { event: 'run', data: '{"id":"r1"}', id: undefined },
      { event: 'delta', data: '{"text":"a\\nb"}', id: undefined },
      { event: 'delta', data: '{"text":"c"}', id: undefined },
      { event: 'message', data: 'x\ny', id: undefined },
    ];
    for (let size = 1; size <= wire.length; size++) {
      const decoder = new SSEDecoder();
      const events = [];
      for (let i = 0; i < wire.length; i += size) events.push(...decoder.push(wire.slice(i, i + size)));
      events.push(...decoder.end());
      expect(events, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('honours Retry-After, retry-after-ms and x-should-retry; backs off exponentially with jitter otherwise', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:03 GMT' }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryDelayMs(0, new Headers({ 'retry-after': '1' }))).toBe(1_000);
    // A Retry-After longer than a minute is not waited out; the backoff applies.
    expect(retryDelayMs(0, new Headers({ 'retry-after': '3600' }), () => 0)).toBe(500);
    expect([0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(n, undefined, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(750);
    expect([408, 409, 429, 500, 503].every((s) => shouldRetryStatus(s, new Headers()))).toBe(true);
    expect([400, 401, 402, 403, 404, 422].some((s) => shouldRetryStatus(s, new Headers()))).toBe(false);
    // The server's x-should-retry wins either way (the API sends `false` on provider failures
    // without Retry-After and on 409s other than idempotency_key_in_use).
    expect(shouldRetryStatus(503, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(shouldRetryStatus(409, new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(shouldRetryStatus(503, new Headers({ 'retry-after': '1' }))).toBe(true);
    expect(shouldRetryStatus(400, new Headers({ 'x-should-retry': 'true' }))).toBe(true);
  });
});
