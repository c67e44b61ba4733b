import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createCompletionActivities } from '../activities/completion/create-completion-activities.ts';
import { createExperimentActivities } from '../activities/prompts/create-experiment-activities.ts';
import type { ProviderSet } from '../activities/providers/provider-set.ts';
import { createCompletionStore } from '../stores/completions.ts';
import { createPromptExperimentStore } from '../stores/prompt-experiments.ts';
import { createPromptTemplateStore } from '../stores/prompt-templates.ts';
import type { Pool } from '../stores/pool.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  providers: ProviderSet;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: { codePath: string } | { code: string };
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

/** Wires activities to their real dependencies; nothing else. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const activities = {
    ...createCompletionActivities({
      providers: deps.providers,
      completions: createCompletionStore(deps.pool),
    }),
    ...createExperimentActivities({ experiments: createPromptExperimentStore(deps.pool), templates: createPromptTemplateStore(deps.pool) }),
  };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...deps.tuning,
  });
}
