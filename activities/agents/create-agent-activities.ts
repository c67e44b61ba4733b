import { ApplicationFailure } from '@temporalio/common';
import { planCompletion, type PlanDeps, type PlannedCompletion } from '../../core/completions/completion-plan.ts';
import type { ChatMessage, ToolDefinition } from '../../core/providers/provider.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import { agentSnapshot, type AgentSelector, type SnapshotDeps } from '../../core/agents/agent-snapshot.ts';
import type { AgentModelChoice, AgentSnapshot, ApprovalRecord } from '../../core/agents/agent-types.ts';
import { checkOutput, type OutputCheck } from '../../core/agents/output-guardrail.ts';
import type { AgentStore } from '../../stores/agents.ts';

export interface AgentActivityDeps extends SnapshotDeps {
  plan: PlanDeps;
  agents: SnapshotDeps['agents'] & Pick<AgentStore, 'recordApproval'>;
}

/** A domain refusal (no such policy, budget exhausted, agent gone) will not change on retry. */
async function failFast<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError) throw ApplicationFailure.create({ type: err.code, message: err.publicMessage, nonRetryable: true, details: [{ kind: err.kind }] });
    throw err;
  }
}

export interface PlanAgentTurnInput {
  tenantId: string;
  apiKeyId: string;
  modelChoice: AgentModelChoice;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** The tools this turn offers: routing and fallbacks keep only models that can call tools. */
  tools?: ToolDefinition[];
}

/** The side effects of the agent workflow (workflows/agent.ts) other than tool calls and model calls. */
export function createAgentActivities(deps: AgentActivityDeps) {
  return {
    /**
     * The same planning an API completion gets (policy, routing, budgets, open breakers) for
     * one model turn, so an agent's turns are refused or downgraded by budgets like any call.
     * Run per turn, not once per run: budgets and breakers change while an agent works.
     */
    async planAgentTurn(input: PlanAgentTurnInput): Promise<PlannedCompletion> {
      return failFast(() =>
        planCompletion(
          deps.plan,
          { tenantId: input.tenantId, keyId: input.apiKeyId },
          {
            ...input.modelChoice,
            ...(input.maxTokens !== undefined && { max_tokens: input.maxTokens }),
            ...(input.temperature !== undefined && { temperature: input.temperature }),
            // A child workflow whose status may be queried: the model call stays a regular activity.
            background: true,
          },
          input.messages,
          input.tools && input.tools.length > 0 ? { tools: input.tools, toolChoice: 'auto' } : {},
        ),
      );
    },

    /** An agent version as a run uses it (handoffs and sub-agents load their target with it). */
    async loadAgent(input: { tenantId: string } & AgentSelector): Promise<AgentSnapshot> {
      const { tenantId, ...selector } = input;
      return failFast(() => agentSnapshot(deps, tenantId, selector));
    },

    /** The output guardrail (Ajv is not workflow code). */
    async checkAgentOutput(input: { schema: Record<string, unknown>; text: string }): Promise<OutputCheck> {
      return checkOutput(input.schema, input.text);
    },

    /** The audit row of one decision; written once (a retry or a replay adds nothing). */
    async recordAgentApproval(input: { tenantId: string; runId: string; callId: string; toolName: string; approval: ApprovalRecord }): Promise<void> {
      const { approval } = input;
      await deps.agents.recordApproval({
        tenantId: input.tenantId,
        runId: input.runId,
        callId: input.callId,
        toolName: input.toolName,
        decision: approval.decision,
        timedOut: approval.timedOut,
        approverKeyId: approval.by?.keyId ?? null,
        approverKeyName: approval.by?.keyName ?? null,
        reason: approval.reason,
      });
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
