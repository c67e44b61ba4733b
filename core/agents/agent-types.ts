/**
 * The `agent` workflow's contract: its input, the state it keeps (and carries through
 * continueAsNew), the events it streams, and the names of its queries and signal. Shared by the
 * workflow, its activities, the API, and the swarm/handoff code built on the same loop.
 *
 * Types and constants only, so the workflow bundle stays free of runtime dependencies.
 */
import type { Approver } from '../access/approval-signals.ts';
import type { ChatMessage } from '../providers/provider.ts';
import type { JsonSchemaObject, ToolCall, ToolDefinition } from '../providers/tool-calling.ts';

export type { Approver, ChatMessage, JsonSchemaObject, ToolCall, ToolDefinition };

/** The workflow type and the run's SomaKind search attribute. */
export const AGENT_KIND = 'agent';

/** Query names (POST /v1/runs/{id}/query/{name} reaches them too). */
export const AGENT_QUERIES = {
  status: 'status',
  transcript: 'transcript',
  steps: 'steps',
  cost: 'cost',
  pendingApprovals: 'pending_approvals',
  /** Events after a sequence number: `(afterSeq: number) => AgentEvent[]`; what the SSE stream reads. */
  events: 'events',
  /** Everything above at once, for GET /v1/runs/{id}/agent. */
  state: 'state',
} as const;

/**
 * Approvals travel on the platform's one approval signal (core/access/approval-signals.ts), so
 * the generic signal endpoint binds `by` to the authenticated key as it does for experiments.
 */
export const AGENT_APPROVAL_SIGNAL = 'approval';

/** How the model is chosen each turn: exactly one of the three (none: the tenant's default policy). */
export interface AgentModelChoice {
  /** A registry model id or `auto`. */
  model?: string;
  /** An explicit fallback chain. */
  models?: string[];
  /** A named model policy. */
  policy?: string;
}

/** What happens to a call waiting for approval when nobody decides in time. */
export interface ApprovalTimeoutPolicy {
  action: 'reject' | 'approve' | 'fail';
  afterSeconds: number;
}

/**
 * How the loop runs a tool call:
 * - `http` / `builtin`: the tool registry's executeTool activity (activities/tools/).
 * - `agent`: the builtin start_agent — a child agent workflow (the swarm code's `subAgent` hook).
 * - `handoff`: `transfer_to_<agent>` — the conversation moves to another agent (the `handoff` hook).
 */
export type AgentToolKind = 'http' | 'builtin' | 'agent' | 'handoff';

/** One tool as the run knows it: what the model sees, plus how the loop treats calls to it. */
export interface AgentTool {
  definition: ToolDefinition;
  kind: AgentToolKind;
  requiresApproval: boolean;
  /** Upper bound of one execution (the activity's start-to-close time-out). */
  timeoutMs: number;
  /** For `handoff` tools: the agent the conversation moves to. */
  target?: string;
  /** The registry reference executeTool runs (`name@version`, pinned when the run resolved it). */
  ref?: string;
  /** For built-ins: which one (`memory_search`, `rag_answer`, ...). */
  builtin?: string;
}

/**
 * One agent version resolved for a run: instructions rendered, tools resolved. Immutable for the
 * run (a new version of the definition does not change a run in flight), so it is the workflow's
 * input and survives continueAsNew unchanged — except when a handoff swaps it.
 */
export interface AgentSnapshot {
  name: string;
  version: number;
  /** The system message: inline text, or the prompt template version rendered at start. */
  instructions: string;
  /** `name@version` of the prompt template the instructions came from, when they did. */
  prompt?: string;
  modelChoice: AgentModelChoice;
  tools: AgentTool[];
  /**
   * Tool names (`name`, `name@3`, `name@label`) still to resolve: the workflow resolves them
   * through the tool registry's resolveTools activity when it starts, then fills `tools`.
   */
  toolNames?: string[];
  maxSteps: number;
  /** Null: no cost limit beyond the tenant's budgets. */
  maxCostUsd: number | null;
  approvalTimeout: ApprovalTimeoutPolicy;
  /** Guardrail: the final answer must be JSON valid against this schema (one corrective turn, then fail). */
  outputSchema?: JsonSchemaObject;
  /** Agents this one may hand the conversation to (`transfer_to_<name>` tools). */
  handoffs?: string[];
  maxTokens?: number;
  temperature?: number;
}

/** A decision on one pending call: approve as is, approve with edited arguments, or reject. */
export type ApprovalDecisionKind = 'approve' | 'edit' | 'reject';

/** The approval signal's payload; `by` is set by the API from the authenticated key. */
export interface AgentApprovalSignal {
  callId: string;
  decision: ApprovalDecisionKind;
  /** With `edit`: the arguments to run instead (a JSON object). */
  arguments?: Record<string, unknown>;
  reason?: string;
  by?: Approver;
}

/** A decision as recorded in the step: who (from the key, or `timeout`), what and why. */
export interface ApprovalRecord {
  decision: ApprovalDecisionKind;
  /** Null when the time-out policy decided. */
  by: Approver | null;
  reason: string | null;
  timedOut: boolean;
  at: string;
}

export interface PendingApproval {
  callId: string;
  toolName: string;
  /** JSON text as the model produced it. */
  arguments: string;
  step: number;
  requestedAt: string;
  /** When the time-out policy acts. */
  expiresAt: string;
  timeoutAction: ApprovalTimeoutPolicy['action'];
}

export type ToolCallStatus = 'pending_approval' | 'running' | 'succeeded' | 'failed' | 'rejected' | 'cancelled';

export interface ToolCallRecord {
  callId: string;
  name: string;
  /** JSON text that ran (the edited arguments when an approver edited them). */
  arguments: string;
  /** What the model asked for, when an approver edited it. */
  originalArguments?: string;
  status: ToolCallStatus;
  /** The result text the model saw (tool results are kept short; see MAX_TOOL_RESULT_CHARS). */
  result?: string;
  error?: { code: string; message: string };
  approval?: ApprovalRecord;
  latencyMs?: number;
  /** Spend of a child agent run (start_agent), counted in the parent's cost. */
  costUsd?: number;
}

export interface AgentStep {
  index: number;
  startedAt: string;
  finishedAt?: string;
  /** The completion child run of this turn (readable at GET /v1/runs/{id}). */
  completionRunId: string;
  /** Registry id of the model that answered. */
  model?: string;
  text?: string;
  toolCalls: ToolCallRecord[];
  /** Model cost of this turn (+ child agents' cost from its tool calls). */
  costUsd: number;
  /** Model turn wall time. */
  modelLatencyMs?: number;
  /** Whole step wall time: model turn, approvals and tool calls. */
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Set when the step was a guardrail's corrective turn. */
  corrective?: boolean;
}

export type AgentRunStatus = 'running' | 'waiting_approval' | 'completed' | 'failed' | 'cancelled';

/** Why the loop stopped. */
export type AgentStopReason = 'final' | 'max_steps' | 'max_cost' | 'cancelled' | 'failed';

export type AgentEventType =
  | 'run_started'
  | 'step_started'
  | 'model_text_delta'
  | 'tool_call'
  | 'tool_result'
  | 'approval_needed'
  | 'approval_resolved'
  | 'handoff'
  | 'final'
  | 'error';

/** One thing that happened, in order; `seq` is unique across continueAsNew. */
export interface AgentEvent {
  seq: number;
  type: AgentEventType;
  at: string;
  step?: number;
  data: Record<string, unknown>;
}

/** Everything a continued run needs; continueAsNew passes it on in AgentRunInput.carried. */
export interface AgentCarriedState {
  messages: ChatMessage[];
  steps: AgentStep[];
  costUsd: number;
  /** Events kept (the last MAX_CARRIED_EVENTS) and the next sequence number. */
  events: AgentEvent[];
  nextSeq: number;
  /** How many times the run continued as new. */
  generation: number;
  correctiveTurnUsed: boolean;
  /** Agents the run passed through (handoffs), in order. */
  agents: string[];
}

export interface AgentRunInput {
  tenantId: string;
  /** The key that started the run (spend is attributed to it). */
  apiKeyId: string;
  agent: AgentSnapshot;
  /** The conversation so far without the system message (usually one user message). */
  messages: ChatMessage[];
  /** Set by a supervisor starting this run as a child (swarms). */
  parentRunId?: string;
  /** A budget slice a supervisor gave this run: the lower of it and agent.maxCostUsd applies. */
  budgetUsd?: number;
  /** Everything kept from before a continueAsNew. */
  carried?: AgentCarriedState;
  /** Steps per workflow execution before continueAsNew (tests lower it). */
  stepsPerRun?: number;
  /**
   * Stream each turn's tokens on the run stream bus under the turn's completion run id (the API
   * relays them as `model_text_delta`); set when the run was started with `stream: true`.
   */
  streamText?: boolean;
}

export interface AgentResult {
  status: Exclude<AgentRunStatus, 'running' | 'waiting_approval'>;
  stopReason: AgentStopReason;
  /** The final answer's text (empty when a limit stopped the run before one). */
  output: string;
  /** The parsed answer when the agent has an output schema and the answer passed it. */
  parsed?: unknown;
  agent: string;
  version: number;
  steps: AgentStep[];
  costUsd: number;
  error?: { code: string; message: string };
}

/** The status query's answer. */
export interface AgentStatus {
  status: AgentRunStatus;
  agent: string;
  version: number;
  step: number;
  maxSteps: number;
  costUsd: number;
  maxCostUsd: number | null;
  pendingApprovals: number;
  stopReason?: AgentStopReason;
}

/** The state query's answer: everything the API shows at GET /v1/runs/{id}/agent. */
export interface AgentState extends AgentStatus {
  steps: AgentStep[];
  pending: PendingApproval[];
  transcript: ChatMessage[];
  output?: string;
  /** Why the run failed, when it did. */
  error?: { code: string; message: string };
}
