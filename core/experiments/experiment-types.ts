/**
 * Shapes of a prompt A/B experiment, shared by the API, the experiment workflow and its
 * activities. Types only.
 */
import type { Approver } from '../access/approval-signals.ts';
import type { ExperimentAnalysis, ExperimentGoal, ExperimentMetric, RecommendationReason } from './experiment-analysis.ts';

export interface ExperimentVariant {
  name: string;
  /** A version of the experiment's template. */
  version: number;
  /** Optionally a model for this variant (the client uses it for the completion). */
  model: string | null;
  /** Relative share of traffic. */
  weight: number;
}

export interface ExperimentConfig {
  template: string;
  /** The first variant is the control. */
  variants: ExperimentVariant[];
  metric: ExperimentMetric;
  goal: ExperimentGoal;
  confidence: number;
  minSamplesPerVariant: number;
  maxDurationMs: number;
  checkIntervalMs: number;
  guardrail: { alpha: number; minSamplesPerVariant: number } | null;
  approvalTimeoutMs: number;
  /** The label the approved winner is promoted to. */
  promoteLabel: string;
}

export interface ExperimentInput {
  experimentId: string;
  tenantId: string;
  config: ExperimentConfig;
  /** Epoch ms when the experiment started; the deadline counts from here, across continue-as-new. */
  startedAtMs: number;
  /** Checks made by earlier runs of this workflow (continue-as-new carries it). */
  checks: number;
}

export type ExperimentStatus = 'running' | 'awaiting_approval' | 'promoted' | 'rejected' | 'approval_timed_out' | 'cancelled' | 'failed';
export type StopReason = 'sample_size_reached' | 'deadline' | 'guardrail';

/** A human's answer, sent as the `approval` signal. */
export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  /** Promote this variant instead of the recommended one. */
  variant?: string;
  comment?: string;
  /**
   * The authenticated key that decided, set by the API (never taken from a caller's payload).
   * A string (a key id) in approvals signalled before approvers carried names; read it with
   * `approverOf`.
   */
  by: Approver | string;
}

export interface ExperimentRecommendation {
  variant: string;
  version: number;
  reason: RecommendationReason;
}

export interface ExperimentState {
  status: ExperimentStatus;
  stopReason: StopReason | null;
  checks: number;
  analysis: ExperimentAnalysis | null;
  recommendation: ExperimentRecommendation | null;
}

/** What the experiment decided, recorded on its row and returned by the workflow. */
export interface ExperimentDecisionRecord {
  decision: 'approve' | 'reject' | 'timeout';
  /** Who decided; null on a time-out. Rows written before approvers carried names hold a key id string. */
  by: Approver | string | null;
  comment: string | null;
  variant: string | null;
  label: string | null;
  fromVersion: number | null;
  toVersion: number | null;
}

export interface ExperimentOutcome {
  status: ExperimentStatus;
  stopReason: StopReason | null;
  recommendation: ExperimentRecommendation | null;
  decision: ExperimentDecisionRecord | null;
}
