/**
 * A child agent started by a supervisor through the built-in `start_agent` (or a tool a tenant
 * registered as kind builtin / start_agent under its own name, description and approval rule):
 * which agent, with what task, under which workflow id, and what the supervisor's model reads
 * back. Several such calls in one turn run in parallel.
 *
 * Pure (zod only): the agent workflow parses calls with it.
 */
import { z } from 'zod';
import { AGENT_NAME } from './agent-definition.ts';
import type { AgentResult } from './agent-types.ts';

/** The longest task text handed to a child (it becomes the child's user message). */
export const MAX_CHILD_INPUT_CHARS = 32_000;
/** How much of a child's answer the supervisor's model reads (the whole answer stays in the child's run). */
export const MAX_CHILD_OUTPUT_CHARS = 8_000;

/** start_agent's arguments (the registry's built-in declares the same shape to the model). */
export const StartAgentArgumentsSchema = z.object({
  agent: z.string().regex(AGENT_NAME, 'an agent name (lowercase letters, digits, "_" or "-")'),
  input: z.string().min(1).max(MAX_CHILD_INPUT_CHARS),
  /** An upper bound the model may set; the child never gets more than its share of what is left. */
  max_cost_usd: z.number().positive().max(100_000).optional(),
});

export interface ChildRequest {
  agent: string;
  input: string;
  requestedUsd?: number;
}

export type ChildRequestParse = { ok: true; request: ChildRequest } | { ok: false; error: { code: 'invalid_arguments'; message: string } };

export function parseChildRequest(args: Record<string, unknown>): ChildRequestParse {
  const parsed = StartAgentArgumentsSchema.safeParse(args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid_arguments', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ') } };
  }
  const { agent, input, max_cost_usd: requestedUsd } = parsed.data;
  return { ok: true, request: { agent, input, ...(requestedUsd !== undefined && { requestedUsd }) } };
}

/** The API reads run ids of at most this many characters (api/routes/runs.ts RUN_ID). */
export const MAX_READABLE_RUN_ID = 162;

/**
 * The child's workflow id: the parent's id, the step, the agent and the call — so the Web UI
 * lists a tree by prefix (`<parent>-s` finds every child) and a replay names the same child.
 * Only the characters run ids allow; the agent's name is left out when the id would grow past
 * what the API reads (deep trees).
 */
export function childWorkflowId(parentWorkflowId: string, step: number, callId: string, agent: string): string {
  const call = callId.replace(/[^A-Za-z0-9_-]/g, '').slice(-24) || 'call';
  const full = `${parentWorkflowId}-s${step}-${agent}-${call}`;
  return full.length <= MAX_READABLE_RUN_ID ? full : `${parentWorkflowId}-s${step}-${call}`;
}

/** What the supervisor's model reads for a child that finished (any stop reason). */
export function childResultContent(result: Pick<AgentResult, 'agent' | 'status' | 'stopReason' | 'output' | 'costUsd' | 'error'>, runId: string): string {
  const output = result.output.length > MAX_CHILD_OUTPUT_CHARS ? `${result.output.slice(0, MAX_CHILD_OUTPUT_CHARS)}…` : result.output;
  return JSON.stringify({
    agent: result.agent,
    run_id: runId,
    status: result.status,
    stop_reason: result.stopReason,
    output,
    cost_usd: result.costUsd,
    ...(result.error && { error: result.error }),
  });
}
