/**
 * Handoffs, as in the OpenAI Agents SDK: an agent definition lists `handoffs: [name…]`, the model
 * sees one `transfer_to_<name>` tool per entry, and calling it moves the conversation to that
 * agent — the run goes on with the other agent's instructions, tools and limits, the transcript
 * keeps every message, and the step records the transfer.
 *
 * Pure (no imports beyond types): the agent workflow builds its tool list and the tool message
 * with it.
 */
import type { AgentSnapshot, AgentTool } from './agent-types.ts';

export const HANDOFF_TOOL_PREFIX = 'transfer_to_';

/** The vendors' tool-name limit (core/providers/tool-calling.ts). */
const TOOL_NAME_MAX = 64;

/**
 * Transfers per run. Two agents that keep handing the conversation to each other would otherwise
 * burn steps until max_steps; past this the model is told no more transfers are possible.
 */
export const MAX_HANDOFFS_PER_RUN = 8;

/** Handoff tools wait for nothing and call nothing: the loop swaps agents at once. */
const HANDOFF_TIMEOUT_MS = 30_000;

/** FNV-1a, 32 bits, hex: a short stable suffix for names too long for the tool-name limit. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * `transfer_to_<agent>`. Agent names may be 64 characters and tool names may not exceed 64, so a
 * long name keeps its first characters and gets a hash of the whole name: still unique, still
 * readable. The loop maps a call back to its target through AgentTool.target, never by parsing.
 */
export function handoffToolName(agent: string): string {
  const name = `${HANDOFF_TOOL_PREFIX}${agent}`;
  if (name.length <= TOOL_NAME_MAX) return name;
  const suffix = `_${shortHash(agent)}`;
  return `${name.slice(0, TOOL_NAME_MAX - suffix.length)}${suffix}`;
}

/** One `transfer_to_<target>` tool: no required arguments; an optional reason the transcript keeps. */
export function handoffTool(target: string): AgentTool {
  return {
    definition: {
      name: handoffToolName(target),
      description: `Transfer the conversation to the agent "${target}", which continues it with its own instructions and tools. Use it when that agent is better placed to answer.`,
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why the conversation moves (kept in the transcript).' } },
        additionalProperties: false,
      },
    },
    kind: 'handoff',
    requiresApproval: false,
    timeoutMs: HANDOFF_TIMEOUT_MS,
    target,
  };
}

/**
 * The agent's tools plus one handoff tool per `handoffs` entry (itself excluded, duplicates and
 * names that already have a tool dropped), so the model sees exactly the transfers the definition
 * allows.
 */
export function withHandoffTools(agent: Pick<AgentSnapshot, 'name' | 'tools' | 'handoffs'>): AgentTool[] {
  const taken = new Set(agent.tools.map((t) => t.definition.name));
  const added: AgentTool[] = [];
  for (const target of agent.handoffs ?? []) {
    if (target === agent.name) continue;
    const tool = handoffTool(target);
    if (taken.has(tool.definition.name)) continue;
    taken.add(tool.definition.name);
    added.push(tool);
  }
  return [...agent.tools, ...added];
}

/** The tool message the model reads after a transfer (the new agent sees it as its context). */
export function handoffContent(from: string, to: string, reason?: string): string {
  const why = reason && reason.trim() ? ` Reason: ${reason.trim().slice(0, 500)}` : '';
  return `Transferred from ${from} to ${to}. You are now ${to}; continue the conversation.${why}`;
}

/** Why a handoff cannot happen, or undefined when it may. */
export function handoffRefusal(agent: Pick<AgentSnapshot, 'name' | 'handoffs'>, target: string | undefined, handoffsSoFar: number): { code: string; message: string } | undefined {
  if (!target) return { code: 'invalid_handoff', message: 'This tool does not name an agent to transfer to.' };
  if (!(agent.handoffs ?? []).includes(target)) {
    return { code: 'handoff_not_allowed', message: `Agent "${agent.name}" may not transfer to "${target}".` };
  }
  if (handoffsSoFar >= MAX_HANDOFFS_PER_RUN) {
    return { code: 'handoff_limit', message: `This run already transferred ${handoffsSoFar} times; answer without transferring again.` };
  }
  return undefined;
}
