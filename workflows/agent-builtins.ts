/**
 * Built-in tools the agent workflow runs itself rather than through executeTool, because they
 * are workflows of their own: `rag_answer` is the `rag` workflow as a child (retrieval, then an
 * answer through the completion path planned like the agent's own turns, cited and checked).
 *
 * Deterministic: runs inside the workflow.
 */
import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../activities/agents/create-agent-activities.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';
import type { AgentToolCallContext, AgentToolOutcome } from './agent-hooks.ts';
import { rag } from './rag.ts';

const { planAgentTurn } = proxyActivities<AgentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 }),
});

/** `rag_answer({question, k?})`: the answer with its citations, as JSON text the model reads. */
export async function ragAnswerTool(context: AgentToolCallContext): Promise<AgentToolOutcome> {
  const question = context.args.question;
  if (typeof question !== 'string' || question.trim() === '') return { ok: false, error: { code: 'invalid_arguments', message: '"question" must be a non-empty string.' } };
  const k = typeof context.args.k === 'number' && Number.isInteger(context.args.k) && context.args.k >= 1 && context.args.k <= 20 ? context.args.k : 5;
  const { input, agent } = context;
  const plan = await planAgentTurn({
    tenantId: input.tenantId,
    apiKeyId: input.apiKeyId,
    modelChoice: agent.modelChoice,
    messages: [{ role: 'user', content: question }],
    ...(agent.maxTokens !== undefined && { maxTokens: agent.maxTokens }),
  });
  const { messages: _messages, ...answer } = plan;
  const result = await executeChild(rag, {
    workflowId: `${context.workflowId}-rag-${context.call.id}`.slice(0, 160),
    args: [{ tenantId: input.tenantId, question, retrieve: { k, budgetTokens: 2_000 }, answer }],
    typedSearchAttributes: [
      { key: TENANT, value: input.tenantId },
      { key: KIND, value: 'rag' },
    ],
  });
  return {
    ok: true,
    content: JSON.stringify({ answer: result.answer, citations: result.citations.map((c) => ({ label: c.label, source: c.source })) }),
    costUsd: result.completion?.costUsd ?? 0,
  };
}
