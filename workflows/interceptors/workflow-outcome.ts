import { ContinueAsNew, isCancellation, proxySinks, type Sinks, type WorkflowInboundCallsInterceptor, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** How a run ended, as counted in `somaagent_workflow_runs_total` (the workflow success SLIs, infra/slo/). */
export type WorkflowOutcome = 'completed' | 'failed' | 'cancelled';

export interface WorkflowOutcomeSinks extends Sinks {
  workflowOutcomes: { record(outcome: WorkflowOutcome): void };
}

const { workflowOutcomes } = proxySinks<WorkflowOutcomeSinks>();

/**
 * Reports every run's outcome through a sink (the worker counts it: workers/workflow-outcome-sinks.ts),
 * so no workflow needs code of its own for the success SLOs. A sink call is made after the
 * workflow task completes and never during replay, so each run is counted once. A
 * continue-as-new is not an outcome: the next run reports.
 */
class WorkflowOutcomeInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: Parameters<NonNullable<WorkflowInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<WorkflowInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    try {
      const result = await next(input);
      workflowOutcomes.record('completed');
      return result;
    } catch (err) {
      if (!(err instanceof ContinueAsNew)) workflowOutcomes.record(isCancellation(err) ? 'cancelled' : 'failed');
      throw err;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new WorkflowOutcomeInterceptor()] });
