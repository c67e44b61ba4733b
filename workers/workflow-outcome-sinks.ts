import { fileURLToPath } from 'node:url';
import type { InjectedSinks } from '@temporalio/worker';
import { Counter, type Registry } from 'prom-client';
import type { WorkflowOutcomeSinks } from '../workflows/interceptors/workflow-outcome.ts';

/** Bundled with the workflows (by the worker, and by whoever prebuilds a bundle: test/support/global-setup.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES = [fileURLToPath(new URL('../workflows/interceptors/workflow-outcome.ts', import.meta.url))];

/** `somaagent_workflow_runs_total{workflow, outcome}` on the process's /metrics. */
export function workflowOutcomeSinks(registry: Registry): InjectedSinks<WorkflowOutcomeSinks> {
  const name = 'somaagent_workflow_runs_total';
  const runs =
    (registry.getSingleMetric(name) as Counter<'workflow' | 'outcome'> | undefined) ??
    new Counter({ name, help: 'Workflow runs ended, by workflow type and outcome (completed, failed, cancelled)', labelNames: ['workflow', 'outcome'] as const, registers: [registry] });
  return {
    workflowOutcomes: {
      record: {
        fn: (info, outcome) => runs.inc({ workflow: info.workflowType, outcome }),
        callDuringReplay: false,
      },
    },
  };
}
