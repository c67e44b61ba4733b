/**
 * The transport under every resource method: builds the request, sends it with the client's
 * fetch, retries what is worth retrying (see retries.ts) and turns failures into the error
 * hierarchy. A POST carries one Idempotency-Key for all its attempts, so a retry after a lost
 * answer gets the first answer back instead of doing the work twice.
 */
import { APIConnectionError, APIError, APITimeoutError, APIUserAbortError, SomaAgentError } from './errors.js';
import { retryDelayMs, shouldRetryStatus } from './retries.js';
import { VERSION } from './version.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What the SDK hands to `fetch`; the global fetch (and undici's, node-fetch's) accept it. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export type Fetch = (url: string, init: FetchInit) => Promise<Response>;

/** Per-call settings; each overrides the client's. */
export interface RequestOptions {
  /** Milliseconds before one attempt is abandoned (for a stream: until the stream opens). */
  timeout?: number;
  /** Retries after the first attempt (connection errors, timeouts, 408, 409, 429, 5xx). */
  maxRetries?: number;
  /** Aborts the call, including a wait between retries; the call rejects with APIUserAbortError. */
  signal?: AbortSignal;
  /** Extra headers; `null` removes a default one. */
  headers?: Record<string, string | null | undefined>;
  /** The Idempotency-Key of a POST (default: a new UUID per call, reused by its retries). */
  idempotencyKey?: string;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface APIRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  options?: RequestOptions | undefined;
}

export interface HttpClientConfig {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  timeout: number;
  fetch: Fetch;
  defaultHeaders: Record<string, string | null | undefined>;
}

/** A stream whose response arrived: the body is read by the caller, who owns the abort controller. */
export interface OpenStream {
  response: Response;
  controller: AbortController;
  /** Detaches the caller's AbortSignal; call it when the stream is over. */
  release(): void;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: SomaAgentError; retryable: boolean; headers?: Headers };

/** Joins path segments into a path, URL-encoding each value (`local/llama3.2` → `local%2Fllama3.2`). */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const text = String(value);
    if (text === '') throw new SomaAgentError(`A path parameter is empty: ${strings.join('…')}`);
    out += encodeURIComponent(text) + (strings[i + 1] ?? '');
  });
  return out;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

export class HttpClient {
  /** Private for real (not only to TypeScript), so logging a client never prints its key. */
  readonly #config: HttpClientConfig;

  constructor(config: HttpClientConfig) {
    this.#config = config;
  }

  /** Sends the request and returns its parsed JSON body (or its text, when it is not JSON). */
  async request<T>(request: APIRequest): Promise<T> {
    return (await this.send(request, 'application/json', (attempt) => this.readWhole(attempt))) as T;
  }

  /** Sends the request and returns as soon as a successful response's headers arrive. */
  async stream(request: APIRequest): Promise<OpenStream> {
    return this.send(request, 'text/event-stream', async (attempt) => {
      // The stream may well outlast the timeout, which only guards its opening.
      attempt.clearTimer();
      return { response: attempt.response, controller: attempt.controller, release: attempt.release };
    });
  }

  private async readWhole(attempt: SentAttempt): Promise<unknown> {
    try {
      return await readBody(attempt.response);
    } finally {
      attempt.clearTimer();
      attempt.release();
    }
  }

  private async send<T>(request: APIRequest, accept: string, onSuccess: (attempt: SentAttempt) => Promise<T>): Promise<T> {
    const options = request.options ?? {};
    const maxRetries = Math.max(0, options.maxRetries ?? this.#config.maxRetries);
    const idempotencyKey = options.idempotencyKey ?? (request.method === 'POST' ? newIdempotencyKey() : undefined);
    const url = this.url(request.path, request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let retry = 0; ; retry++) {
      const headers = this.headers(accept, body !== undefined, idempotencyKey, options.headers);
      const attempt = await this.attempt(url, { method: request.method, headers, ...(body !== undefined && { body }) }, options, onSuccess);
      if (attempt.ok) return attempt.value;
      if (!attempt.retryable || retry >= maxRetries) throw attempt.error;
      await sleep(retryDelayMs(retry, attempt.headers), options.signal);
    }
  }

  private async attempt<T>(
    url: string,
    init: Omit<FetchInit, 'signal'>,
    options: RequestOptions,
    onSuccess: (attempt: SentAttempt) => Promise<T>,
  ): Promise<Attempt<T>> {
    const { signal } = options;
    if (signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const onUserAbort = () => controller.abort();
    signal?.addEventListener('abort', onUserAbort, { once: true });
    let timedOut = false;
    const timeout = options.timeout ?? this.#config.timeout;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const sent: Omit<SentAttempt, 'response'> = {
      controller,
      clearTimer: () => clearTimeout(timer),
      release: () => signal?.removeEventListener('abort', onUserAbort),
    };
    const failed = (err: unknown): Attempt<T> => {
      sent.clearTimer();
      sent.release();
      if (signal?.aborted) throw new APIUserAbortError();
      if (timedOut) return { ok: false, error: new APITimeoutError(`Request timed out after ${timeout} ms.`), retryable: true };
      if (err instanceof SomaAgentError) throw err;
      const reason = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : err instanceof Error ? `: ${err.message}` : '';
      return { ok: false, error: new APIConnectionError(`Connection error${reason}`, { cause: err }), retryable: true };
    };

    let response: Response;
    try {
      // Called detached: a browser's fetch refuses to run as a method of another object.
      const fetchImpl = this.#config.fetch;
      response = await fetchImpl(url, { ...init, signal: controller.signal });
    } catch (err) {
      return failed(err);
    }
    if (!response.ok) {
      let body: unknown;
      try {
        body = await readBody(response);
      } catch (err) {
        return failed(err);
      }
      sent.clearTimer();
      sent.release();
      return { ok: false, error: APIError.from(response.status, body, response.headers), retryable: shouldRetryStatus(response.status, response.headers), headers: response.headers };
    }
    try {
      return { ok: true, value: await onSuccess({ ...sent, response }) };
    } catch (err) {
      return failed(err);
    }
  }

  private url(requestPath: string, query: Record<string, QueryValue> | undefined): string {
    const url = new URL(this.#config.baseURL.replace(/\/+$/, '') + requestPath);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private headers(accept: string, hasBody: boolean, idempotencyKey: string | undefined, extra: RequestOptions['headers']): Record<string, string> {
    const merged: Record<string, string | null | undefined> = {
      accept,
      'user-agent': `somaagent-sdk-typescript/${VERSION}`,
      authorization: `Bearer ${this.#config.apiKey}`,
      ...(hasBody && { 'content-type': 'application/json' }),
      ...(idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }),
    };
    for (const source of [this.#config.defaultHeaders, extra ?? {}]) {
      for (const [name, value] of Object.entries(source)) merged[name.toLowerCase()] = value;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(merged)) if (value !== null && value !== undefined) headers[name] = value;
    return headers;
  }
}

interface SentAttempt {
  response: Response;
  controller: AbortController;
  clearTimer(): void;
  release(): void;
}
