import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createCompletionActivities } from '../activities/completion/create-completion-activities.ts';
import { createExperimentActivities } from '../activities/prompts/create-experiment-activities.ts';
import { createBreakerGate } from '../activities/completion/breaker-gate.ts';
import { createMemoryActivities } from '../activities/memory/create-memory-activities.ts';
import { createToolActivities } from '../activities/tools/create-tool-activities.ts';
import { createAgentActivities } from '../activities/agents/create-agent-activities.ts';
import type { Services } from '../composition/services.ts';
import type { MemoryIndexTrigger } from '../composition/memory-index-trigger.ts';
import { failFastOnBadData } from '../activities/fail-fast-on-bad-data.ts';
import { createAlertActivities } from '../activities/ops/create-alert-activities.ts';
import { createAlertIntake } from '../core/ops/alert-intake.ts';
import { createAnomalyActivities } from '../activities/ops/anomaly-activities.ts';
import { prometheusSourceFromEnv } from '../core/ops/anomaly/prometheus-series.ts';
import { createOnCallActivities } from '../activities/ops/oncall-activities.ts';
import { createEvalActivities } from '../activities/evals/create-eval-activities.ts';
import { createDatasetActivities } from '../activities/datasets/create-dataset-activities.ts';
import { pagerDutyFromEnv } from '../core/ops/oncall/pagerduty.ts';
import { WORKFLOW_INTERCEPTOR_MODULES, workflowOutcomeSinks } from './workflow-outcome-sinks.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The process's services (composition/services.ts), shared with an API in the same process. */
  services: Services;
  warn?: (message: string) => void;
  /** Encrypts every payload the worker writes to history; the same as its clients' (platform/temporal/payload-codec/). */
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
  const { services } = deps;
  const activities = {
    ...createCompletionActivities({
      providers: services.providers,
      completions: services.completions,
      conversations: services.conversations,
      breakers: createBreakerGate(services.breakers),
      metrics: services.metricsSink,
      streams: services.streams,
      onMessages: wake(services.indexTrigger, deps.warn),
      ...(deps.warn && { warn: deps.warn }),
    }),
    ...createMemoryActivities({
      documents: services.documents,
      conversations: services.conversations,
      ...services.memory,
      search: services.memorySearch,
    }),
    ...createExperimentActivities({ experiments: services.prompts.experiments, templates: services.prompts.templates }),
    ...createToolActivities({
      tools: services.tools,
      secrets: services.secrets,
      executions: services.toolExecutions,
      outbound: services.memory.outbound,
      search: services.memorySearch,
      renderer: services.prompts.renderer,
    }),
    ...createAgentActivities({
      plan: { env: services.env, availableProviders: services.availableProviders, models: services.models, budgets: services.budgets, policies: services.policies, openBreakers: services.openBreakers },
      agents: services.agents,
      prompts: services.prompts.renderer,
    }),
    // The anomaly detector raises alerts through the same intake as Alertmanager's webhook.
    ...createAlertActivities({ intake: createAlertIntake({ client: new Client({ connection: deps.connection, namespace: deps.namespace, dataConverter: deps.dataConverter }), taskQueue: deps.taskQueue }) }),
    // The scheduled anomaly scan reads the metrics store (and Prometheus when configured).
    ...createAnomalyActivities({ metrics: services.metricsQueries, prometheus: prometheusSourceFromEnv(services.env) }),
    // On-call handoffs and pages go to PagerDuty (when configured) from here only: its secrets stay in the worker.
    ...createOnCallActivities({ store: services.oncall, pagerDuty: pagerDutyFromEnv(services.env) }),
    ...createDatasetActivities({ datasets: services.datasets }),
    ...createEvalActivities({
      plan: { env: services.env, availableProviders: services.availableProviders, models: services.models, budgets: services.budgets, policies: services.policies, openBreakers: services.openBreakers },
      providers: services.providers,
      embedder: services.memory.embedder,
      suites: services.evalSuites,
      runs: services.evalRuns,
    }),
  };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities,
    dataConverter: deps.dataConverter,
    // Bad data fails its step at once; everything else retries within the workflow's bound.
    // Every run's outcome is counted for the workflow success SLOs (infra/slo/).
    interceptors: { activity: [failFastOnBadData], workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
    sinks: workflowOutcomeSinks(services.registry),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...deps.tuning,
  });
}
