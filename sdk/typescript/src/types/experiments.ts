import type * as Wire from '../generated/api-types.js';
import type { PromptRender } from './prompts.js';

export type ExperimentStatus = 'running' | 'awaiting_approval' | 'promoted' | 'rejected' | 'approval_timed_out' | 'cancelled' | 'failed';
export type ExperimentMetric = 'score' | 'success';
export type RecommendationReason = 'significant_improvement' | 'no_significant_difference' | 'guardrail' | 'insufficient_data';

export interface ExperimentVariant {
  /** Lowercase letters, digits, "_" and "-". */
  name: string;
  /** A version of the experiment's template. */
  version: number;
  /** A model for this variant; returned by assignments. */
  model: string | null;
  /** Relative share of traffic. */
  weight: number;
}

export interface ExperimentCreateParams {
  name: string;
  template: string;
  /** 2..10 variants; the first is the control. */
  variants: Array<{ name: string; version: number; model?: string; weight?: number }>;
  /** `score`: a number per subject (Welch t-test); `success`: a flag (two-proportion z-test). */
  metric: ExperimentMetric;
  goal?: 'maximize' | 'minimize';
  confidence?: number;
  min_samples_per_variant?: number;
  max_duration_seconds?: number;
  check_interval_seconds?: number;
  /** Stop early when a treatment is worse than the control at this significance; null turns it off. */
  guardrail?: { alpha?: number; min_samples_per_variant?: number } | null;
  approval_timeout_seconds?: number;
  /** The label the approved winner is moved to (default production). */
  promote_label?: string;
}

export interface Experiment {
  /** Also its workflow id. */
  id: string;
  object: 'experiment';
  name: string;
  template: string;
  status: ExperimentStatus;
  variants: ExperimentVariant[];
  metric: ExperimentMetric;
  goal: 'maximize' | 'minimize';
  confidence: number;
  min_samples_per_variant: number;
  max_duration_seconds: number;
  check_interval_seconds: number;
  guardrail: { alpha: number; min_samples_per_variant: number } | null;
  approval_timeout_seconds: number;
  promote_label: string;
  stop_reason: 'sample_size_reached' | 'deadline' | 'guardrail' | null;
  recommendation: { variant: string; version: number; reason: RecommendationReason } | null;
  decision: {
    decision: 'approve' | 'reject' | 'timeout';
    /** The API key that decided (the authenticated caller, never a request field); null on a time-out. */
    by: { key_id: string; key_name: string | null } | null;
    comment: string | null;
    variant: string | null;
    label: string | null;
    from_version: number | null;
    to_version: number | null;
  } | null;
  created_at: string;
  updated_at: string;
}

export interface ExperimentListParams {
  limit?: number;
}

export interface ExperimentAssignParams {
  /** Who is exposed (a user, a session): the same subject always gets the same variant. */
  subject_id: string;
  /** When given, the variant is rendered with them. */
  variables?: Record<string, unknown>;
}

export interface ExperimentAssignment {
  object: 'experiment_assignment';
  experiment_id: string;
  subject_id: string;
  variant: string;
  template: string;
  version: number;
  model: string | null;
  first_exposure: boolean;
  rendered?: PromptRender;
}

/** Exactly one of `value` (a score metric) and `success` (a success metric). */
export type ExperimentOutcomeParams = { subject_id: string } & ({ value: number; success?: never } | { success: boolean; value?: never });

export interface ExperimentOutcome {
  object: 'experiment_outcome';
  experiment_id: string;
  subject_id: string;
  variant: string;
  value: number;
}

export type ExperimentVariantResult = Wire.ExperimentResults['variants'][number];

export type ExperimentComparison = Wire.ExperimentResults['comparisons'][number];

export type ExperimentResults = Wire.ExperimentResults;

export interface ExperimentApproveParams {
  decision: 'approve' | 'reject';
  /** Promote this variant instead of the recommended one. */
  variant?: string;
  comment?: string;
}

export interface ExperimentApproval {
  object: 'experiment_approval';
  experiment_id: string;
  decision: 'approve' | 'reject';
  variant: string | null;
  accepted: true;
}
