import { SomaAgentError } from './errors.js';
import { HttpClient, type Fetch, type QueryValue, type RequestOptions } from './http-client.js';
import { Admin } from './resources/admin.js';
import { Budgets } from './resources/budgets.js';
import { Feedback } from './resources/feedback.js';
import { RouterResource } from './resources/router.js';
import { Capsules } from './resources/capsules.js';
import { Completions } from './resources/completions.js';
import { Conversations } from './resources/conversations.js';
import { Experiments } from './resources/experiments.js';
import { Memory } from './resources/memory.js';
import { Models } from './resources/models.js';
import { Policies } from './resources/policies.js';
import { Secrets } from './resources/secrets.js';
import { Tools } from './resources/tools.js';
import { Agents } from './resources/agents.js';
import { Prompts } from './resources/prompts.js';
import { Rag } from './resources/rag.js';
import { Runs } from './resources/runs.js';
import { System } from './resources/system.js';
import { Usage } from './resources/usage.js';

export interface ClientOptions {
  /** An API key, `sk_soma_...`. Default: the SOMAAGENT_API_KEY environment variable. */
  apiKey?: string | undefined;
  /** Default: the SOMAAGENT_BASE_URL environment variable, else http://localhost:8080. */
  baseURL?: string | undefined;
  /** Retries after a failed attempt (connection errors, timeouts, 408, 409, 429, 5xx). Default 2. */
  maxRetries?: number | undefined;
  /** Milliseconds before an attempt is abandoned (for a stream: until it opens). Default 60 000. */
  timeout?: number | undefined;
  /** A fetch implementation (default: the global fetch), e.g. to add a proxy or instrumentation. */
  fetch?: Fetch | undefined;
  /** Headers sent with every request; `null` removes a default one. */
  defaultHeaders?: Record<string, string | null | undefined> | undefined;
}

export const DEFAULT_BASE_URL = 'http://localhost:8080';
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Reads an environment variable where there is an environment (Node, Deno, Bun); undefined in a browser. */
function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name]?.trim();
  return value === '' ? undefined : value;
}

function checkNumber(name: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) throw new SomaAgentError(`${name} must be a number >= ${min} (got ${value}).`);
  return value;
}

/** Options of the escape hatches `client.get/post/put/delete`, for routes newer than this SDK. */
export interface RawRequestOptions extends RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/**
 * The SomaAgent API client. Resources mirror the API's paths:
 * `client.completions.create(...)` is `POST /v1/completions`.
 */
export class SomaAgent {
  readonly baseURL: string;
  readonly maxRetries: number;
  readonly timeout: number;

  readonly completions: Completions;
  readonly runs: Runs;
  readonly conversations: Conversations;
  readonly memory: Memory;
  readonly rag: Rag;
  readonly prompts: Prompts;
  readonly experiments: Experiments;
  readonly models: Models;
  readonly usage: Usage;
  readonly budgets: Budgets;
  /** Feedback on runs. */
  readonly feedback: Feedback;
  /** The learned router: outcome imports and trained versions. */
  readonly router: RouterResource;
  readonly policies: Policies;
  readonly tools: Tools;
  /** Agent definitions and durable agent runs (events, approvals). */
  readonly agents: Agents;
  readonly secrets: Secrets;
  readonly capsules: Capsules;
  readonly admin: Admin;
  readonly system: System;

  readonly #options: ClientOptions;
  readonly #http: HttpClient;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? env('SOMAAGENT_API_KEY');
    if (!apiKey) {
      throw new SomaAgentError(
        'No API key: pass one as new SomaAgent({ apiKey: "sk_soma_..." }) or set the SOMAAGENT_API_KEY environment variable.',
      );
    }
    this.baseURL = options.baseURL ?? env('SOMAAGENT_BASE_URL') ?? DEFAULT_BASE_URL;
    try {
      new URL(this.baseURL);
    } catch {
      throw new SomaAgentError(`baseURL is not a URL: "${this.baseURL}".`);
    }
    this.maxRetries = Math.floor(checkNumber('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES, 0));
    this.timeout = checkNumber('timeout', options.timeout ?? DEFAULT_TIMEOUT_MS, 1);
    const fetchImpl = options.fetch ?? (globalThis.fetch as Fetch | undefined);
    if (!fetchImpl) throw new SomaAgentError('No fetch: this runtime has no global fetch; pass one as new SomaAgent({ fetch }).');
    this.#options = { ...options, apiKey };
    this.#http = new HttpClient({
      apiKey,
      baseURL: this.baseURL,
      maxRetries: this.maxRetries,
      timeout: this.timeout,
      fetch: fetchImpl,
      defaultHeaders: options.defaultHeaders ?? {},
    });

    this.completions = new Completions(this.#http);
    this.runs = new Runs(this.#http);
    this.conversations = new Conversations(this.#http);
    this.memory = new Memory(this.#http);
    this.rag = new Rag(this.#http);
    this.prompts = new Prompts(this.#http);
    this.experiments = new Experiments(this.#http);
    this.models = new Models(this.#http);
    this.usage = new Usage(this.#http);
    this.budgets = new Budgets(this.#http);
    this.feedback = new Feedback(this.#http);
    this.router = new RouterResource(this.#http);
    this.policies = new Policies(this.#http);
    this.tools = new Tools(this.#http);
    this.agents = new Agents(this.#http);
    this.secrets = new Secrets(this.#http);
    this.capsules = new Capsules(this.#http);
    this.admin = new Admin(this.#http);
    this.system = new System(this.#http);
  }

  /** A client like this one with some options changed, e.g. `client.withOptions({ timeout: 5_000 })`. */
  withOptions(options: ClientOptions): SomaAgent {
    return new SomaAgent({ ...this.#options, baseURL: this.baseURL, ...options });
  }

  get<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<T> {
    return this.raw('GET', path, options);
  }

  post<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<T> {
    return this.raw('POST', path, options);
  }

  put<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<T> {
    return this.raw('PUT', path, options);
  }

  delete<T = unknown>(path: string, options: RawRequestOptions = {}): Promise<T> {
    return this.raw('DELETE', path, options);
  }

  private raw<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, { query, body, ...options }: RawRequestOptions): Promise<T> {
    return this.#http.request<T>({ method, path: path.startsWith('/') ? path : `/${path}`, query, body, options });
  }
}
