import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createCompletionActivities } from '../activities/completion/create-completion-activities.ts';
import { createExperimentActivities } from '../activities/prompts/create-experiment-activities.ts';
import type { ProviderSet } from '../core/providers/provider-set.ts';
import { createCompletionStore } from '../stores/completions.ts';
import { createConversationStore } from '../stores/conversations.ts';
import { createPromptExperimentStore } from '../stores/prompt-experiments.ts';
import { createPromptTemplateStore } from '../stores/prompt-templates.ts';
import type { Pool } from '../platform/db/pool.ts';
import { createBreakerGate } from '../activities/completion/breaker-gate.ts';
import { createCircuitBreakerStore, type CircuitBreakerPolicy } from '../stores/circuit-breakers.ts';
export { breakerPolicyFrom } from '../stores/circuit-breakers.ts';
import type { MetricsSink } from '../stores/metrics/metrics-sink.ts';
import type { RunStreamBus } from '../stores/run-streams/run-stream-bus.ts';
import { createMemoryActivities } from '../activities/memory/create-memory-activities.ts';
import type { Memory } from '../composition/memory-from-env.ts';
import type { MemoryIndexTrigger } from '../core/memory/memory-index-trigger.ts';
import { createDocumentStore } from '../stores/documents.ts';
import { createMemorySearch } from '../core/memory/memory-search.ts';
import { failFastOnBadData } from '../activities/fail-fast-on-bad-data.ts';


export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  providers: ProviderSet;
  /** Where every provider attempt's latency, tokens and cost go (ClickHouse or Postgres). */
  metrics: MetricsSink;
  breakerPolicy: CircuitBreakerPolicy;
  /** Where streamed runs publish their tokens. */
  streams?: RunStreamBus;
  /** Embeddings and vectors for the memory workflows (ingestion, indexing conversations). */
  memory?: Memory;
  /** Wakes a tenant's memory indexer when conversations gain messages. */
  indexTrigger?: MemoryIndexTrigger;
  warn?: (message: string) => void;
  /** Encrypts every payload the worker writes to history; the same as its clients' (common/payload-codec/). */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: { codePath: string } | { code: string };
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

/** A trigger that never fails its caller: indexing catches up on the next message anyway. */
function wake(trigger: MemoryIndexTrigger, warn?: (message: string) => void) {
  return (tenantId: string) => {
    trigger(tenantId).catch((err: unknown) => warn?.(`memory indexer not woken for ${tenantId}: ${err instanceof Error ? err.message : String(err)}`));
  };
}

/** Wires activities to their real dependencies; nothing else. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const activities = {
    ...createCompletionActivities({
      providers: deps.providers,
      completions: createCompletionStore(deps.pool),
      conversations: createConversationStore(deps.pool),
      breakers: createBreakerGate(createCircuitBreakerStore(deps.pool, deps.breakerPolicy)),
      metrics: deps.metrics,
      ...(deps.streams && { streams: deps.streams }),
      ...(deps.indexTrigger && { onMessages: wake(deps.indexTrigger, deps.warn) }),
      ...(deps.warn && { warn: deps.warn }),
    }),
    ...(deps.memory &&
      createMemoryActivities({
        documents: createDocumentStore(deps.pool),
        conversations: createConversationStore(deps.pool),
        ...deps.memory,
        search: createMemorySearch({ pool: deps.pool, ...deps.memory }),
      })),
    ...createExperimentActivities({ experiments: createPromptExperimentStore(deps.pool), templates: createPromptTemplateStore(deps.pool) }),
  };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities,
    dataConverter: deps.dataConverter,
    // Bad data fails its step at once; everything else retries within the workflow's bound.
    interceptors: { activity: [failFastOnBadData] },
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...deps.tuning,
  });
}
