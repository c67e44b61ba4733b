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
  /** USD per million tokens, to price outcomes with tokens or lengths but no cost_usd. */
  prices?: Record<string, { input_usd_per_mtok: number; output_usd_per_mtok: number }>;
}

export interface RouterTrainParams {
  version?: string;
  seed?: number;
  /** Derive the threshold for this share of the strong model's quality (default 0.95)… */
  target_quality_ratio?: number;
  /** …or for at most this share of always-strong's cost. */
  cost_budget?: number;
}
