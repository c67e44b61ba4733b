/**
 * THE TOOL ACTIVITY CONTRACT (issue #13 item 2) — what the agent workflow codes against.
 *
 * Two activities, registered on the worker's default task queue under these names
 * (TOOL_ACTIVITY_NAMES), built by activities/tools/create-tool-activities.ts:
 *
 *   resolveTools(ResolveToolsInput)  → ResolvedTool[]      the tools the model sees
 *   executeTool(ExecuteToolInput)    → ToolExecutionResult one call, recorded by idempotency key
 *
 * How the agent workflow should call them:
 *   - `proxyActivities<ToolActivities>({ startToCloseTimeout: resolved.timeoutMs + 5 s,
 *     retry: boundedRetry({ maximumAttempts: 3, nonRetryableErrorTypes: [...TOOL_NON_RETRYABLE_FAILURES] }) })`
 *     (type-only import of ToolActivities from activities/tools/create-tool-activities.ts).
 *   - idempotencyKey = `${workflowId}:${callId}` (TOOL_IDEMPOTENCY_KEY below): stable across
 *     activity retries and worker crashes, so a retried attempt whose first attempt completed
 *     gets the recorded result back, and the downstream receives the same `Idempotency-Key`.
 *   - Tools with `executor: 'agent'` (start_agent, rag_answer) are NOT executed by executeTool:
 *     the agent workflow runs them as child workflows (start_agent: another agent run;
 *     rag_answer: the `rag` workflow with the agent's own planned model choice as `answer`);
 *     executeTool answers ok:false `executed_by_workflow`.
 *   - `requiresApproval` is enforced by the agent workflow (wait for a signal before executeTool).
 *
 * Outcomes:
 *   - `{ ok: true, content }`: give `content` to the model as the tool message.
 *   - `{ ok: false, error }`: a permanent refusal the model may read and react to (bad arguments,
 *     unknown tool, SSRF policy refusal, a 4xx answer, response too large). Not retried.
 *   - The activity THROWS a retryable ApplicationFailure (type `tool_upstream_error` /
 *     `tool_timeout`) for 5xx, 429, time-outs and connection failures; after the retries are spent
 *     the workflow catches the ActivityFailure and may tell the model the tool is unavailable.
 *
 * Secrets: neither the input nor the result ever carries a secret value; the activity reads the
 * tenant secret by name inside and redacts its value from everything it returns or stores.
 *
 * Pure (types and constants only): workflows import it.
 */
import type { ToolDefinition } from '../providers/tool-calling.ts';

export const TOOL_ACTIVITY_NAMES = { resolveTools: 'resolveTools', executeTool: 'executeTool' } as const;

/** The failure types executeTool throws that a retry may fix (everything else comes back as ok:false). */
export const TOOL_RETRYABLE_FAILURES = ['tool_upstream_error', 'tool_timeout'] as const;
/** Failure types no retry can fix; list them in the proxy's nonRetryableErrorTypes. */
export const TOOL_NON_RETRYABLE_FAILURES = ['tool_contract_error'] as const;

/** The idempotency key the agent workflow passes for one tool call of one run. */
export function toolIdempotencyKey(workflowId: string, callId: string): string {
  return `${workflowId}:${callId}`;
}

/** The built-in tools. `start_agent` and `rag_answer` are declared in the registry but run by the agent workflow. */
export const BUILTIN_TOOLS = ['memory_search', 'rag_answer', 'render_prompt', 'start_agent'] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOLS)[number];

export interface ResolveToolsInput {
  tenantId: string;
  /**
   * Tools by name; `name@3` pins version 3 and `name@prod` a label, plain `name` is the latest
   * version. Built-in tools resolve by their own name unless the tenant registered a tool with it.
   */
  names?: string[];
  /** Every tool of the tenant (latest versions) plus the built-ins; ignored when `names` is given. */
  all?: boolean;
}

export interface ResolvedTool {
  /** What the model sees (name, description, JSON Schema of the arguments). */
  definition: ToolDefinition;
  kind: 'http' | 'builtin';
  /** The built-in it runs, for kind `builtin`. */
  builtin?: BuiltinToolName;
  /** `activity`: call executeTool. `agent`: the agent workflow runs it itself (start_agent, rag_answer). */
  executor: 'activity' | 'agent';
  /** Registry version resolved (0 for a built-in the tenant did not override). */
  version: number;
  requiresApproval: boolean;
  /** The tool's own time limit; the proxy's startToCloseTimeout should be a little above it. */
  timeoutMs: number;
}

export interface ExecuteToolInput {
  tenantId: string;
  /** The run (agent workflow id) the call belongs to: kept with the execution record. */
  runId: string;
  /** The model's tool-call id. */
  callId: string;
  /** A tool name as in ResolveToolsInput.names (`name`, `name@3`, `name@label`). */
  toolName: string;
  /** The arguments: the model's JSON text, or an already parsed object (e.g. after an approver edited it). */
  arguments: string | Record<string, unknown>;
  /** Stable per call across retries: toolIdempotencyKey(workflowId, callId). */
  idempotencyKey: string;
}

export interface ToolError {
  /** invalid_arguments | unknown_tool | executed_by_workflow | tool_refused (SSRF/policy) | http_4xx | response_too_large | secret_missing | tool_failed */
  code: string;
  message: string;
}

export type ToolExecutionResult =
  | { ok: true; content: string; /** True when an earlier attempt's recorded result was returned without calling again. */ replayed: boolean }
  | { ok: false; error: ToolError; replayed: boolean };

/** The activities' shape, for workflows that proxy them before the factory is imported. */
export interface ToolActivityContract {
  resolveTools(input: ResolveToolsInput): Promise<ResolvedTool[]>;
  executeTool(input: ExecuteToolInput): Promise<ToolExecutionResult>;
}
