import type { CleaningReport } from './clean-dataset.ts';
import type { RecordedSelection } from './recorded-selection.ts';

/** What the buildDataset workflow is started with. Tenant and key come from the API key. */
export interface BuildDatasetInput {
  tenantId: string;
  createdByKey: string;
  name: string;
  selection: RecordedSelection;
  /** Plain data (no custom PII rules: those are functions); defaults as in cleanDataset. */
  cleaning: {
    scrubPii?: boolean;
    dedupe?: boolean;
    nearDuplicateThreshold?: number;
    baseModel?: string;
    maxTokensPerExample?: number;
    validationFraction?: number;
    splitSeed?: string;
  };
}

/** The version a build wrote: its summary only (rows stay in the store, never in history). */
export interface BuiltDataset {
  datasetId: string;
  name: string;
  version: number;
  contentHash: string;
  rows: number;
  report: CleaningReport;
}
