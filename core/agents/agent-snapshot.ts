/**
 * A stored agent version → what one run uses (AgentSnapshot): the instructions rendered (a prompt
 * template version resolved once, so a label moved mid-run changes nothing), limits and the
 * approval policy in the workflow's camelCase, tool names left for the workflow to resolve.
 * Used by the API when a run starts and by the loadAgent activity (handoffs, sub-agents).
 */
import type { PromptRenderer } from '../prompts/prompt-renderer.ts';
import type { AgentStore } from '../../stores/agents.ts';
import { InvalidRequestError } from '../errors/domain-error.ts';
import type { AgentSnapshot } from './agent-types.ts';

export interface SnapshotDeps {
  agents: Pick<AgentStore, 'getVersion'>;
  prompts: Pick<PromptRenderer, 'render'>;
}

export interface AgentSelector {
  name: string;
  version?: number | undefined;
  label?: string | undefined;
  /** Variables for a prompt-template instruction (over the definition's defaults). */
  variables?: Record<string, unknown> | undefined;
}

export async function agentSnapshot(deps: SnapshotDeps, tenantId: string, selector: AgentSelector): Promise<AgentSnapshot> {
  const stored = await deps.agents.getVersion(tenantId, selector.name, selector);
  const { spec } = stored;
  let instructions: string;
  let prompt: string | undefined;
  if (typeof spec.instructions === 'string') {
    instructions = spec.instructions;
  } else {
    const ref = spec.instructions;
    const rendered = await deps.prompts.render(
      tenantId,
      ref.prompt,
      { ...(ref.version !== undefined && { version: ref.version }), ...(ref.label !== undefined && { label: ref.label }) },
      { ...ref.variables, ...selector.variables },
    );
    instructions = rendered.type === 'text' ? rendered.text : rendered.messages.map((m) => m.content).join('\n\n');
    prompt = `${rendered.reference.name}@${rendered.reference.version}`;
  }
  if (instructions.trim().length === 0) throw new InvalidRequestError('empty_instructions', `Agent "${selector.name}" renders to empty instructions.`);
  return {
    name: stored.name,
    version: stored.version,
    instructions,
    ...(prompt && { prompt }),
    modelChoice: {
      ...(spec.model !== undefined && { model: spec.model }),
      ...(spec.models !== undefined && { models: spec.models }),
      ...(spec.policy !== undefined && { policy: spec.policy }),
    },
    tools: [],
    toolNames: spec.tools,
    maxSteps: spec.max_steps,
    maxCostUsd: spec.max_cost_usd,
    approvalTimeout: { action: spec.approval_timeout.action, afterSeconds: spec.approval_timeout.after_seconds },
    ...(spec.output_schema && { outputSchema: spec.output_schema }),
    ...(spec.handoffs && { handoffs: spec.handoffs }),
    ...(spec.max_tokens !== undefined && { maxTokens: spec.max_tokens }),
    ...(spec.temperature !== undefined && { temperature: spec.temperature }),
  };
}
