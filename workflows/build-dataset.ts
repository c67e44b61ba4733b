import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { DatasetActivities } from '../activities/datasets/create-dataset-activities.ts';
import type { BuildDatasetInput, BuiltDataset } from '../core/datasets/build-dataset-input.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';

/** Selection, cleaning and the one-transaction write: minutes for 100,000 rows on a busy host. */
const { buildDatasetVersion } = proxyActivities<Pick<DatasetActivities, 'buildDatasetVersion'>>({
  startToCloseTimeout: '30 minutes',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 3 }),
});

/**
 * buildDataset: recorded completions → a new immutable dataset version. A retried activity can
 * only write a whole version or nothing (one transaction), so a crash mid-build never leaves a
 * half-written version behind.
 */
export async function buildDataset(input: BuildDatasetInput): Promise<BuiltDataset> {
  upsertSearchAttributes([
    { key: TENANT, value: input.tenantId },
    { key: KIND, value: 'dataset' },
  ]);
  return buildDatasetVersion(input);
}
