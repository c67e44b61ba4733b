import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { ProviderId } from '../core/providers/provider.ts';
import { createProviderSet, type ProviderSet } from '../core/providers/provider-set.ts';
import { createPromptServices, type PromptServices } from '../core/prompts/prompt-services.ts';
import { createMemorySearch } from '../core/memory/memory-search.ts';
import { createOpenBreakers, type OpenBreakers } from '../core/routing/open-breakers.ts';
import type { Env } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Pool } from '../platform/db/pool.ts';
import { createApiKeyStore, type ApiKeyStore } from '../stores/api-keys.ts';
import { createBudgetStore, type BudgetStore } from '../stores/budgets.ts';
import { createCapsuleStore, type CapsuleStore } from '../stores/capsules.ts';
import { breakerPolicyFrom, createCircuitBreakerStore, type CircuitBreakerStore } from '../stores/circuit-breakers.ts';
import { createCompletionStore, type CompletionStore } from '../stores/completions.ts';
import { createConversationStore, type ConversationStore } from '../stores/conversations.ts';
import { createDocumentStore, type DocumentStore } from '../stores/documents.ts';
import { createIdempotencyKeyStore, type IdempotencyKeyStore } from '../stores/idempotency-keys.ts';
import { createMetricsQueries, createMetricsSink } from '../stores/metrics/create-model-metrics.ts';
import type { MetricsQueries } from '../stores/metrics/metrics-queries.ts';
import { createOnCallStore, type OnCallStore } from '../stores/oncall.ts';
import type { MetricsSink } from '../stores/metrics/metrics-sink.ts';
import { createModelPolicyStore, type ModelPolicyStore } from '../stores/model-policies.ts';
import { createModelRegistryStore, type ModelRegistryStore } from '../stores/model-registry.ts';
import { createModelRegistryCache, type ModelRegistryCache } from '../stores/model-registry-cache.ts';
import { createRunStreamBus } from '../stores/run-streams/create-run-stream-bus.ts';
import type { RunStreamBus } from '../stores/run-streams/run-stream-bus.ts';
import { createTenantStore, type TenantStore } from '../stores/tenants.ts';
import { createOutcomeStore, type OutcomeStore } from '../stores/outcomes.ts';
import { createEvalSuiteStore, type EvalSuiteStore } from '../stores/eval-suites.ts';
import { createEvalRunStore, type EvalRunStore } from '../stores/eval-runs.ts';
import { createRunFeedbackStore, type RunFeedbackStore } from '../stores/run-feedback.ts';
import { createDatasetStore, type DatasetStore } from '../stores/datasets.ts';
import { createRouterVersionStore, type RouterVersionStore } from '../stores/router-versions.ts';
import { createLearnedRouterCache, type LearnedRouterCache } from '../core/routing/learned-router-cache.ts';
import { createAgentStore, type AgentStore } from '../stores/agents.ts';
import { createToolStore, type ToolStore } from '../stores/tools.ts';
import { createTenantSecretStore, type TenantSecretStore } from '../stores/tenant-secrets.ts';
import { createToolExecutionStore, type ToolExecutionStore } from '../stores/tool-executions.ts';
import { payloadKeysFromEnv } from '../platform/temporal/payload-codec/payload-keys-from-env.ts';
import { createMemoryFromEnv, type Memory } from './memory-from-env.ts';
import { createMemoryIndexTrigger, type MemoryIndexTrigger } from './memory-index-trigger.ts';

export interface ServicesDeps {
  env: Env;
  pool: Pool;
  /** The client workflows are started through (the memory indexer's wake-up). */
  client: Client;
  logger: Logger;
  /** The process's /metrics registry: the metrics sink's counters go there. */
  registry: Registry;
  /** How often the model registry cache checks for a new version (tests shorten it). */
  modelCacheCheckIntervalMs?: number;
}

/**
 * Every store and domain service of a process, built once. The API (api/create-app.ts) and the
 * worker (workers/create-worker.ts) take what they need from here, so an API process with an
 * embedded worker shares one of each (one breaker cache, one stream bus, one embedder).
 */
export interface Services {
  /** The configuration the services were built from (activities plan model turns with it). */
  env: Env;
  /** The process's /metrics registry (the worker's workflow outcome counter goes there too). */
  registry: Registry;
  providers: ProviderSet;
  /** The providers this deployment has, for model choice in the API. */
  availableProviders: ReadonlySet<ProviderId>;
  tenants: TenantStore;
  keys: ApiKeyStore;
  idempotencyKeys: IdempotencyKeyStore;
  budgets: BudgetStore;
  policies: ModelPolicyStore;
  conversations: ConversationStore;
  completions: CompletionStore;
  documents: DocumentStore;
  capsules: CapsuleStore;
  modelRegistry: ModelRegistryStore;
  /** The process's model registry cache (shared by routing and the models endpoints). */
  models: ModelRegistryCache;
  prompts: PromptServices;
  breakers: CircuitBreakerStore;
  openBreakers: OpenBreakers;
  /** Embedder, vector store and outbound client, for search and ingestion. */
  memory: Memory;
  memorySearch: ReturnType<typeof createMemorySearch>;
  /** Wakes a tenant's memory indexer when conversations gain messages. */
  indexTrigger: MemoryIndexTrigger;
  /** Where every provider attempt's latency, tokens and cost go (ClickHouse or Postgres). */
  metricsSink: MetricsSink;
  /** The read side of the same metrics, for the usage endpoints. */
  metricsQueries: MetricsQueries;
  /** On-call schedules, overrides, escalation policies and announced handoffs. */
  oncall: OnCallStore;
  /** Streamed runs: workers publish tokens, the API subscribes. */
  streams: RunStreamBus;
  /** Agent definitions (versions, labels) and the approval audit trail. */
  agents: AgentStore;
  /** The tenant tool registry, its secrets (encrypted with a key derived from the payload keys) and the record of completed tool calls. */
  tools: ToolStore;
  secrets: TenantSecretStore;
  toolExecutions: ToolExecutionStore;
  /** Measured outcomes the learned router trains on, feedback on runs, and the tenant's trained router versions. */
  outcomes: OutcomeStore;
  /** Eval suites (immutable versions) and evaluate runs with their per-case results. */
  evalSuites: EvalSuiteStore;
  evalRuns: EvalRunStore;
  datasets: DatasetStore;
  runFeedback: RunFeedbackStore;
  routerVersions: RouterVersionStore;
  /** Trained routers loaded for `learned_router` policies (artefacts read once per process). */
  learnedRouters: LearnedRouterCache;
  /** Flushes the metrics sink and closes the stream bus; call after the worker stopped. */
  close(): Promise<void>;
}

/** The composition root: the one place that turns configuration into services. */
export async function createServices(deps: ServicesDeps): Promise<Services> {
  const { env, pool, logger } = deps;
  const providers = createProviderSet(env);
  const modelRegistry = createModelRegistryStore(pool);
  const breakers = createCircuitBreakerStore(pool, breakerPolicyFrom(env));
  const routerVersions = createRouterVersionStore(pool);
  const memory = await createMemoryFromEnv(env, pool);
  const metricsSink = createMetricsSink({ env, pool, registry: deps.registry, logger });
  const streams = createRunStreamBus(env, pool, (message) => logger.warn(message));
  return {
    env,
    registry: deps.registry,
    providers,
    availableProviders: new Set(providers.keys()),
    tenants: createTenantStore(pool),
    keys: createApiKeyStore(pool),
    idempotencyKeys: createIdempotencyKeyStore(pool),
    budgets: createBudgetStore(pool),
    policies: createModelPolicyStore(pool),
    conversations: createConversationStore(pool),
    completions: createCompletionStore(pool),
    documents: createDocumentStore(pool),
    capsules: createCapsuleStore(pool),
    modelRegistry,
    models: createModelRegistryCache(modelRegistry, deps.modelCacheCheckIntervalMs),
    prompts: createPromptServices(pool),
    breakers,
    openBreakers: createOpenBreakers(breakers),
    memory,
    memorySearch: createMemorySearch({ pool, ...memory }),
    indexTrigger: createMemoryIndexTrigger(deps.client, env.TEMPORAL_TASK_QUEUE),
    metricsSink,
    metricsQueries: createMetricsQueries({ env, pool }),
    oncall: createOnCallStore(pool),
    outcomes: createOutcomeStore(pool),
    evalSuites: createEvalSuiteStore(pool),
    evalRuns: createEvalRunStore(pool),
    datasets: createDatasetStore(pool),
    runFeedback: createRunFeedbackStore(pool),
    routerVersions: routerVersions,
    learnedRouters: createLearnedRouterCache(routerVersions),
    streams,
    agents: createAgentStore(pool),
    tools: createToolStore(pool),
    secrets: createTenantSecretStore(pool, payloadKeysFromEnv(env).ring),
    toolExecutions: createToolExecutionStore(pool),
    async close() {
      await metricsSink.close();
      await streams.close();
    },
  };
}
