import type * as Wire from '../generated/api-types.js';

/** Feedback on a run (the generated wire type: field docs come from the API's schema). */
export type RunFeedback = Wire.RunFeedback;
export type OutcomeImport = Wire.OutcomeImport;
export type OutcomeSummary = Wire.OutcomeSummary;
export type RouterVersion = Wire.RouterVersion;

export interface RunFeedbackParams {
  /** -1..1 (`rating_scale: 'signed'`, the default) or an integer 1..5 (`'five_point'`). */
  rating?: number;
  rating_scale?: 'signed' | 'five_point';
  /** What the answer should have been. */
  corrected_output?: string;
  labels?: string[];
  comment?: string;
}

export interface OutcomeImportParams {
  /** The outcome file's text: one JSON object per line. */
  jsonl: string;
  name?: string;
  /** The data set of lines that do not name one. */
  source?: string;
}
