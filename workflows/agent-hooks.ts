/**
 * The agent loop's two extension points, kept apart from the loop (workflows/agent.ts) so the
 * swarm code can fill them in its own files: a tool call of kind `agent` (start_agent: run a
 * child agent) and of kind `handoff` (transfer_to_<name>: continue with another agent).
 * workflows/agent-swarm.ts provides them.
 *
 * Deterministic: runs inside the workflow.
 */
import type { AgentSnapshot, AgentRunInput, AgentTool, ToolCall } from '../core/agents/agent-types.ts';

/** What the loop hands a hook: the call, its tool, and the run it happens in. */
export interface AgentToolCallContext {
  /** The agent workflow's id (child workflow ids are derived from it). */
  workflowId: string;
  input: AgentRunInput;
  agent: AgentSnapshot;
  step: number;
  call: ToolCall;
  /** The arguments that run (parsed; the approver's edit when there was one). */
  args: Record<string, unknown>;
  tool: AgentTool;
  /** What is left of the run's cost limit (Infinity without one): a child's slice must fit. */
  remainingUsd: number;
  /** Calls of the same kind in this turn, this one included (parallel children share the budget). */
  siblings?: number;
  /** Handoffs the run has made so far (to bound transfer chains). */
  handoffsSoFar?: number;
}

/** A tool call's result as the model will read it; `costUsd` adds to the run's cost. */
export type AgentToolOutcome =
  | { ok: true; content: string; costUsd?: number }
  | { ok: false; error: { code: string; message: string }; costUsd?: number };

/** A handoff's outcome: the agent that takes over, and what the model reads as the tool result. */
export interface HandoffOutcome {
  agent: AgentSnapshot;
  content: string;
}

export interface AgentHooks {
  subAgent(context: AgentToolCallContext): Promise<AgentToolOutcome>;
  /** Undefined: the handoff was refused (the loop reports it to the model as an error). */
  handoff(context: AgentToolCallContext): Promise<HandoffOutcome | undefined>;
}

/** The swarm code fills them in (workflows/agent-swarm.ts): child agents and handoffs. */
export { swarmHooks as agentHooks } from './agent-swarm.ts';
