import { ApplicationFailure } from '@temporalio/common';
import { approverOf, describeApprover, type Approver } from '../../core/access/approval-signals.ts';
import type { VariantSample } from '../../core/experiments/experiment-analysis.ts';
import type { PromptExperimentStore, ExperimentUpdate } from '../../stores/prompt-experiments.ts';
import { PromptConflictError, PromptNotFoundError, type LabelMove, type PromptTemplateStore } from '../../stores/prompt-templates.ts';

export interface ExperimentActivityDeps {
  experiments: PromptExperimentStore;
  templates: PromptTemplateStore;
}

function approvedBy(by: Approver | string | null): string {
  const approver = approverOf(by);
  return approver ? describeApprover(approver) : 'an unidentified approver';
}

/** The side effects of the prompt-experiment workflow: read the samples, record transitions, move the label. */
export function createExperimentActivities(deps: ExperimentActivityDeps) {
  return {
    async loadExperimentSamples(input: { experimentId: string; variants: string[] }): Promise<VariantSample[]> {
      return deps.experiments.samples(input.experimentId, input.variants);
    },

    async updateExperiment(input: { tenantId: string; experimentId: string; update: ExperimentUpdate }): Promise<void> {
      await deps.experiments.update(input.tenantId, input.experimentId, input.update);
    },

    /** Moves the label to the winner's version; the audit trail names the experiment and the approver. */
    async promoteVariant(input: {
      tenantId: string;
      experimentId: string;
      template: string;
      label: string;
      version: number;
      variant: string;
      /** The authenticated key that approved; a key id string from workflows started before approvers carried names. */
      approvedBy: Approver | string | null;
      comment: string | null;
    }): Promise<LabelMove> {
      try {
        return await deps.templates.moveLabel({
          tenantId: input.tenantId,
          name: input.template,
          label: input.label,
          version: input.version,
          actor: `experiment:${input.experimentId}`,
          reason: `variant "${input.variant}" approved by ${approvedBy(input.approvedBy)}${input.comment ? `: ${input.comment}` : ''}`,
        });
      } catch (err) {
        // A template or version that is gone will not come back on retry.
        if (err instanceof PromptNotFoundError || err instanceof PromptConflictError) {
          throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
        }
        throw err;
      }
    },
  };
}

export type ExperimentActivities = ReturnType<typeof createExperimentActivities>;
