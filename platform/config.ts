import { z } from 'zod';
import { parseCidr } from './outbound/ip-address.ts';
import { parseAllowedHost } from './outbound/outbound-policy.ts';
import { parsePayloadKeys } from './temporal/payload-codec/payload-key-ring.ts';

/**
 * Every setting is an environment variable; this is the one place that reads them.
 * Unset TEMPORAL_ADDRESS / DATABASE_URL mean "use the embedded stack" (see stack/).
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A comma-separated list whose every entry must parse; unset or empty is the empty list. */
const commaList = <T>(parse: (entry: string) => T | undefined, expected: string) =>
  optionalString.transform((v, ctx) => {
    const out: T[] = [];
    for (const entry of (v ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
      const parsed = parse(entry);
      if (parsed === undefined) ctx.addIssue({ code: 'custom', message: `"${entry}" is not ${expected}` });
      else out.push(parsed);
    }
    return out;
  });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const EnvSchema = z.object({
  PORT: port(8080),
  HOST: z.string().default('127.0.0.1'),
  /** The worker process's Prometheus endpoint (`/metrics`); the API serves its own on PORT. */
  WORKER_METRICS_PORT: port(9464),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_TASK_QUEUE: z.string().default('somaagent'),
  TEMPORAL_CLI_PATH: optionalString,
  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  PGLITE_PORT: port(5433),
  /**
   * Where memory vectors live: pgvector in DATABASE_URL's Postgres (default), Pinecone, or any
   * adapter in stores/vectors/vector-store-registry.ts. Only the shape is checked here (this layer
   * cannot see the adapters); createVectorStore checks the id against the registry at start.
   */
  VECTOR_STORE: z.string().trim().regex(/^[a-z][a-z0-9_-]*$/, 'a vector store id, e.g. pgvector or pinecone').default('pgvector'),
  /** With VECTOR_STORE=pinecone: the key, and the index by its data-plane host or by name. */
  PINECONE_API_KEY: optionalString,
  PINECONE_INDEX_HOST: optionalString,
  PINECONE_INDEX: optionalString,
  /** The control plane, to resolve PINECONE_INDEX (default https://api.pinecone.io). */
  PINECONE_CONTROLLER_HOST: optionalString,
  /** SDK retries of a 5xx answer from Pinecone. */
  PINECONE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** Put before every tenant namespace, so deployments can share an index. */
  PINECONE_NAMESPACE_PREFIX: optionalString,
  /** pgvector HNSW graph degree and build candidate list (apply when the index is first built). */
  PGVECTOR_HNSW_M: z.coerce.number().int().min(2).max(100).default(16),
  PGVECTOR_HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(4).max(1000).default(128),
  /** pgvector search candidate list: higher finds more of the true nearest neighbours, slower. */
  PGVECTOR_EF_SEARCH: z.coerce.number().int().min(1).max(1000).default(200),
  /** Streamed tokens fan out through Redis pub/sub when set (redis://host:6379); through Postgres LISTEN/NOTIFY otherwise. */
  REDIS_URL: optionalString,
  /** Model metrics go to ClickHouse when set (http[s]://[user:password@]host:8123); to Postgres otherwise. */
  CLICKHOUSE_URL: optionalString,
  /** Unset: the database in CLICKHOUSE_URL's path, else `default`. */
  CLICKHOUSE_DATABASE: optionalString.pipe(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only').optional(),
  ),
  METRICS_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(500),
  METRICS_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  METRICS_BUFFER_ROWS: z.coerce.number().int().min(1).default(50_000),
  METRICS_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).default(30_000),
  METRICS_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  SOMA_STATE_DIR: z.string().default('.soma'),
  SOMA_ADMIN_KEY: optionalString,
  /** `production` refuses to start without a configured payload key (and other embedded-only defaults). */
  SOMA_ENV: z.enum(['development', 'production']).default('development'),
  /**
   * Payload encryption keys, `id:base64key[,id:base64key...]`, the first the current one (see
   * docs/docs/security/payload-encryption.md). Unset: SOMA_PAYLOAD_KEY_FILE, else the state
   * folder's `payload-keys`, generated on first start outside production.
   */
  SOMA_PAYLOAD_KEYS: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    try {
      return parsePayloadKeys(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  SOMA_PAYLOAD_KEY_FILE: optionalString,
  /** Origins whose browsers may call the codec endpoint (the Temporal Web UI). Unset: the embedded UI's. */
  CODEC_ALLOWED_ORIGINS: optionalString.pipe(
    z.string().regex(/^https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*$/, 'comma-separated origins like http://localhost:8233').optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  LOCAL_MODEL_BASE_URL: optionalString,
  LOCAL_MODEL_API_KEY: optionalString,
  /** The embedded local-model server (`npm start` runs it when LOCAL_MODEL_BASE_URL is unset). */
  LOCAL_MODEL_PORT: port(4020),
  /** Requests the local model generates at once; 1 on 2 shared cores (measured: more only slows each down). */
  LOCAL_MODEL_SLOTS: z.coerce.number().int().min(1).max(16).default(1),
  /** Requests allowed to wait for a slot; beyond it the local model answers 429 with Retry-After. */
  LOCAL_MODEL_MAX_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
  /** Longest wait for a slot before a 429, so a request never hangs behind a long queue. */
  LOCAL_MODEL_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** llama.cpp threads; 1 is fastest on a shared machine (its prebuilt has no OpenMP). */
  LOCAL_MODEL_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * The embedding model of Memory/RAG, `<embedder>/<model>`. `local/all-MiniLM-L6-v2` runs
   * in-process from files that bootstrap puts under SOMA_STATE_DIR/models. `openai/<model>` goes
   * through the OpenAI SDK: to EMBEDDING_BASE_URL when set, to OpenAI with OPENAI_API_KEY, else
   * to the emulator (simulated). Only the shape is checked here (this layer cannot see the
   * adapters); createEmbedder checks the prefix against core/embeddings/embedder-registry.ts.
   */
  EMBEDDING_MODEL: optionalString.pipe(
    z.string().regex(/^[a-z][a-z0-9_-]*\/\S+$/, '<embedder>/<model>, e.g. local/all-MiniLM-L6-v2 or openai/text-embedding-3-small').default('local/all-MiniLM-L6-v2'),
  ),
  /** An OpenAI-compatible embedding server for `openai/<model>`: Ollama `http://localhost:11434/v1`, vLLM, TEI. */
  EMBEDDING_BASE_URL: optionalString,
  /** Key for EMBEDDING_BASE_URL, if it checks one; OPENAI_API_KEY is never sent there. */
  EMBEDDING_API_KEY: optionalString,
  /** text-embedding-3 models: the shortened vector size to ask for. Other servers' models: the size they return. */
  EMBEDDING_DIMENSIONS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(16_000).optional()),
  /** ONNX Runtime threads of the local model; unset: 1 (measured best on a shared 2-core machine). */
  EMBEDDING_THREADS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(64).optional()),
  EMULATOR_URL: optionalString,
  EMULATOR_PORT: port(4010),
  EMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  /**
   * Server-side fetches (URL ingestion) refuse loopback, private, link-local, ... addresses. These
   * opt hosts (`wiki.corp`, `wiki.corp:8443`, `*.corp`, `127.0.0.1:8099`) or address ranges
   * (`10.20.0.0/16`) back in, comma-separated. See docs/docs/security/outbound-requests.md.
   */
  OUTBOUND_ALLOW_HOSTS: commaList(parseAllowedHost, 'host, host:port or *.domain'),
  OUTBOUND_ALLOW_CIDRS: commaList(parseCidr, 'an address or a CIDR range (10.0.0.0/8, fd00::/8)'),
  OUTBOUND_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Longest silence while waiting for an answer or between two chunks of it. */
  OUTBOUND_READ_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  OUTBOUND_TOTAL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  OUTBOUND_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  OUTBOUND_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  ACTIVITY_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  BREAKER_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  BREAKER_OPEN_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * The API process also runs a worker and starts completions with eager workflow start, so
   * the first workflow task runs in-process without a round trip through the task queue.
   */
  API_EMBEDDED_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /**
   * `activity`: the model call is a regular activity (heartbeated, visible as an activity in the
   * Web UI). `local`: a local activity, so a whole completion is one workflow task — lowest
   * latency, for short calls; crash recovery then waits for the workflow task timeout.
   */
  MODEL_CALL_MODE: z.enum(['activity', 'local']).default('activity'),
  PROVIDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * The bearer Alertmanager sends to POST /v1/ops/alerts (its http_config authorization). An
   * operator credential of its own, never a tenant's API key; unset, the webhook answers 503.
   * `npm start` generates one into SOMA_STATE_DIR/alert-webhook-token (0600) when unset.
   */
  SOMA_ALERT_WEBHOOK_TOKEN: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  /** The Prometheus whose query API GET /v1/ops/slos reads (operator config: its host is allowed through the outbound policy). */
  PROMETHEUS_URL: optionalString.pipe(z.string().url().optional()),
  /** An existing Alertmanager: `npm start` then runs none of its own (and no Prometheus when PROMETHEUS_URL is set too). */
  ALERTMANAGER_URL: optionalString.pipe(z.string().url().optional()),
  /** Ports of the Prometheus and Alertmanager `npm start` runs (loopback only). */
  PROMETHEUS_PORT: port(9090),
  ALERTMANAGER_PORT: port(9093),
  /** Period of the anomaly detector's Temporal Schedule (docs/docs/operations/anomaly-detection.md). */
  ANOMALY_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** PagerDuty Events API v2 integration key: alert pages and on-call handoffs go there when set. A secret. */
  PAGERDUTY_ROUTING_KEY: optionalString.pipe(z.string().length(32, 'a 32-character integration key').optional()),
  /** PagerDuty REST API token: the on-call rotation syncs handoffs to PagerDuty schedules as overrides. A secret. */
  PAGERDUTY_API_TOKEN: optionalString,
  PAGERDUTY_EVENTS_SERVER: z.string().min(1).default('events.pagerduty.com'),
  PAGERDUTY_API_SERVER: z.string().min(1).default('api.pagerduty.com'),
  /** A PEM file of an extra CA to trust for PagerDuty (a proxy, or the local emulator's certificate). */
  PAGERDUTY_CA_FILE: optionalString,
  /** Period of the on-call rotation's Temporal Schedule (announces and syncs handoffs). */
  ONCALL_ROTATION_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** PromQL expressions the anomaly detector watches on PROMETHEUS_URL, one per line or separated by `;;`. */
  ANOMALY_PROMQL: z.string().optional().transform((v) => (v ?? '').split(/\n|;;/).map((q) => q.trim()).filter(Boolean)),
});

export type Env = z.infer<typeof EnvSchema>;

/**
 * Whether this file declares (and so validates) a variable. Provider adapters read declared
 * variables from the parsed Env and only their own undeclared ones from the raw environment.
 */
export function declaresVariable(name: string): boolean {
  return Object.hasOwn(EnvSchema.shape, name);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The emulator stands in for a vendor only when that vendor has no key. */
export function emulatorBaseUrl(env: Env): string {
  return env.EMULATOR_URL ?? `http://127.0.0.1:${env.EMULATOR_PORT}`;
}

export function needsEmulator(env: Env): boolean {
  return !env.OPENAI_API_KEY || !env.ANTHROPIC_API_KEY;
}
