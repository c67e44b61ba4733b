import type * as Wire from '../generated/api-types.js';

/** One version of an agent definition, with the agent's labels. */
export type Agent = Wire.Agent;
/** A version as listed by `agents.versions`. */
export type AgentVersion = Wire.AgentVersion;
/** What `agents.create` takes: the definition, labels to point at the new version, a note. */
export type AgentCreateParams = Wire.AgentInput;
/** An agent run's state: status, steps (cost, latency, tool calls), cost so far, pending approvals, transcript. */
export type AgentRunState = Wire.AgentRunState;
/** One thing that happened in an agent run (`step_started`, `tool_call`, `approval_needed`, `final`, ...). */
export type AgentEvent = Wire.AgentEvent;
/** Calls waiting for a decision, and the decisions made (who, what, why). */
export type ApprovalList = Wire.ApprovalList;
export type PendingApproval = Wire.ApprovalList['pending'][number];
export type ApprovalDecisionParams = Wire.ApprovalRequest;

export interface ApprovalAccepted {
  run_id: string;
  call_id: string;
  decision: 'approve' | 'edit' | 'reject';
  accepted: true;
  approver: { key_id: string; key_name: string | null };
}

export interface AgentGetParams {
  version?: number;
  label?: string;
}

export interface AgentListParams {
  limit?: number;
}

/** What an `onApproval` callback decides for one waiting call. */
export type ApprovalDecision =
  | { decision: 'approve'; reason?: string }
  | { decision: 'reject'; reason?: string }
  | { decision: 'edit'; arguments: Record<string, unknown>; reason?: string };

/** The call waiting for a decision, as the `approval_needed` event tells it. */
export interface ApprovalRequestEvent {
  runId: string;
  callId: string;
  tool: string;
  /** Parsed from the model's JSON text (an empty object when it is not JSON). */
  arguments: Record<string, unknown>;
  expiresAt: string;
  event: AgentEvent;
}

export type OnApproval = (request: ApprovalRequestEvent) => ApprovalDecision | Promise<ApprovalDecision>;

export interface AgentRunParams {
  /** The user's message, or the conversation so far. */
  input: string | Array<{ role: 'user' | 'assistant' | 'system'; content: string }>;
  version?: number;
  label?: string;
  variables?: Record<string, unknown>;
}

export interface AgentRunStartParams extends AgentRunParams {
  stream?: false;
  /** Answer once the run ended, with its state. */
  wait?: boolean;
}

export interface AgentRunStreamParams extends AgentRunParams {
  stream: true;
  /** Decides each tool call that needs approval, as the run asks (sent with this client's key, which must be approver or admin). */
  onApproval?: OnApproval;
}

/** The 202 answer of a run started in the background. */
export interface AgentRunAccepted {
  id: string;
  object: 'run';
  kind: 'agent';
  status: 'running';
  created_at: string;
}

export interface AgentEventListParams {
  /** Only events with a larger `seq`. */
  after?: number;
}
