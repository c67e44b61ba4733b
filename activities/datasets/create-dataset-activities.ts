import { ApplicationFailure } from '@temporalio/activity';
import { BAD_DATA_FAILURE } from '../../platform/temporal/bad-data-failure.ts';
import { cleanDataset } from '../../core/datasets/clean-dataset.ts';
import { estimateTrainingCosts } from '../../core/datasets/training-cost.ts';
import type { BuildDatasetInput, BuiltDataset } from '../../core/datasets/build-dataset-input.ts';
import type { DatasetStore } from '../../stores/datasets.ts';

export interface DatasetActivityDeps {
  datasets: DatasetStore;
}

/**
 * Dataset activities. The build is one activity on purpose: the rows never pass through the
 * workflow (its history would then hold recorded prompts and answers, and 100,000 rows would
 * exceed history limits); only the version's summary comes back.
 */
export function createDatasetActivities(deps: DatasetActivityDeps) {
  return {
    async buildDatasetVersion(input: BuildDatasetInput): Promise<BuiltDataset> {
      const recorded = await deps.datasets.recordedExamples(input.tenantId, input.selection);
      if (recorded.length === 0) {
        throw ApplicationFailure.create({ type: BAD_DATA_FAILURE, nonRetryable: true, message: 'no recorded completions match the selection (only runs in a conversation keep their prompt)' });
      }
      const cleaned = cleanDataset(recorded.map((r) => r.example), input.cleaning);
      const version = await deps.datasets.create({
        tenantId: input.tenantId,
        name: input.name,
        source: 'build',
        cleaned,
        selection: { ...input.selection, corrected_targets: recorded.filter((r) => r.corrected).length },
        costEstimates: estimateTrainingCosts(cleaned.report.train_tokens),
        createdByKey: input.createdByKey,
      });
      return { datasetId: version.id, name: version.name, version: version.version, contentHash: version.contentHash, rows: version.rows, report: version.cleaning };
    },
  };
}

export type DatasetActivities = ReturnType<typeof createDatasetActivities>;
