/**
 * Swarms: the agent loop's `subAgent` and `handoff` hooks (workflows/agent-hooks.ts).
 *
 * - subAgent: `start_agent`, or a registered start_agent tool bound to one agent, runs that agent
 *   as a CHILD `agent` workflow. Calls made in the same turn run in parallel (the loop runs a
 *   turn's calls together); each child gets an equal share of what is left of the supervisor's
 *   cost limit as its own (core/agents/swarm-budget.ts), and its spend is added to the
 *   supervisor's. A child that fails is a failed tool result the supervisor's model reads — with
 *   the error — never a failed supervisor.
 * - handoff: `transfer_to_<name>` loads that agent's current version; the loop continues the same
 *   run (same transcript) with it.
 *
 * The tree is readable in the Web UI: a child's workflow id starts with its parent's
 * (core/agents/swarm-child.ts) and carries the SomaTenant / SomaKind search attributes.
 *
 * Deterministic: runs inside the workflow.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope, ChildWorkflowFailure, executeChild, isCancellation, ParentClosePolicy, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../activities/agents/create-agent-activities.ts';
import { AGENT_KIND, type AgentResult, type AgentRunInput, type AgentSnapshot } from '../core/agents/agent-types.ts';
import { handoffContent, handoffRefusal } from '../core/agents/handoff.ts';
import { childBudget } from '../core/agents/swarm-budget.ts';
import { childResultContent, childWorkflowId, parseChildRequest } from '../core/agents/swarm-child.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { AGENT, KIND, TENANT } from '../platform/temporal/search-attributes.ts';
import type { agent } from './agent.ts';
import type { AgentHooks, AgentToolCallContext, AgentToolOutcome, HandoffOutcome } from './agent-hooks.ts';

// Loading a definition is one quick read; an agent that does not exist fails at once (loadAgent
// fails fast on domain errors), a database hiccup is retried a few times.
const { loadAgent } = proxyActivities<AgentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 }),
});

/** The failure under the Activity/ChildWorkflow wrappers: what actually went wrong. */
function rootCause(err: unknown): unknown {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  return cause;
}

function causeOf(err: unknown): { code: string; message: string } {
  const cause = rootCause(err);
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'failed', message: cause.message };
  return { code: 'failed', message: cause instanceof Error ? cause.message : String(cause) };
}

/** A failed child's spend: the agent workflow's failure carries `{ costUsd }` in its details. */
function failedChildCost(err: unknown): number {
  const cause = rootCause(err);
  if (!(cause instanceof ApplicationFailure)) return 0;
  const details = cause.details?.[0] as { costUsd?: unknown } | undefined;
  return typeof details?.costUsd === 'number' && Number.isFinite(details.costUsd) && details.costUsd > 0 ? details.costUsd : 0;
}

async function load(tenantId: string, name: string): Promise<{ ok: true; agent: AgentSnapshot } | { ok: false; error: { code: string; message: string } }> {
  try {
    return { ok: true, agent: await loadAgent({ tenantId, name }) };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = causeOf(err);
    return { ok: false, error: { code: cause.code === 'agent_not_found' ? 'unknown_agent' : cause.code, message: cause.message } };
  }
}

/** One child agent for one tool call; always answers the model, except when the run is cancelled. */
export async function runSubAgent(context: AgentToolCallContext): Promise<AgentToolOutcome> {
  const parsed = parseChildRequest(context.args);
  if (!parsed.ok) return parsed;
  const { request } = parsed;
  const budget = childBudget({ remainingUsd: context.remainingUsd, siblings: context.siblings ?? 1, requestedUsd: request.requestedUsd });
  if (!budget.ok) return budget;
  const loaded = await load(context.input.tenantId, request.agent);
  if (!loaded.ok) return { ok: false, error: loaded.error };

  const childId = childWorkflowId(context.workflowId, context.step, context.call.id, request.agent);
  const childInput: AgentRunInput = {
    tenantId: context.input.tenantId,
    // Spend is attributed to the key that started the tree.
    apiKeyId: context.input.apiKeyId,
    agent: loaded.agent,
    messages: [{ role: 'user', content: request.input }],
    parentRunId: context.workflowId,
    ...(budget.budgetUsd !== null && { budgetUsd: budget.budgetUsd }),
    ...(context.input.stepsPerRun !== undefined && { stepsPerRun: context.input.stepsPerRun }),
  };
  // The loop runs tool calls in a non-cancellable scope, so calls in flight finish when the run is
  // cancelled. A child agent can take long (or wait for a person), so it is asked to stop instead:
  // the run's cancellation request still reaches this scope's cancelRequested, and cancels the
  // child's own scope; the child stops at its next safe point and the run then ends cancelled.
  const childScope = new CancellationScope({ cancellable: true });
  let runCancelled = false;
  CancellationScope.current().cancelRequested.catch(() => {
    runCancelled = true;
    childScope.cancel();
  });
  try {
    const result = await childScope.run(() => executeChild<typeof agent>(AGENT_KIND, {
      workflowId: childId,
      args: [childInput],
      typedSearchAttributes: [
        { key: TENANT, value: context.input.tenantId },
        { key: KIND, value: AGENT_KIND },
        { key: AGENT, value: loaded.agent.name },
      ],
      // A supervisor that ends (fails, is terminated) asks its children to stop at their next safe point.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    }));
    return outcomeOf(result, childId);
  } catch (err) {
    // The run was cancelled: so is this call. A child cancelled by someone else is just a failed call.
    if (runCancelled) throw err;
    const cause = causeOf(err);
    return {
      ok: false,
      error: { code: 'sub_agent_failed', message: `Agent "${request.agent}" (run ${childId}) failed: ${cause.code}: ${cause.message}` },
      costUsd: failedChildCost(err),
    };
  }
}

function outcomeOf(result: AgentResult, childId: string): AgentToolOutcome {
  if (result.status === 'completed') return { ok: true, content: childResultContent(result, childId), costUsd: result.costUsd };
  return {
    ok: false,
    error: { code: `sub_agent_${result.status}`, message: childResultContent(result, childId) },
    costUsd: result.costUsd,
  };
}

/** `transfer_to_<name>`: the agent that takes over (its tools are resolved by the loop). */
export async function handOff(context: AgentToolCallContext): Promise<HandoffOutcome | undefined> {
  const target = context.tool.target;
  const refusal = handoffRefusal(context.agent, target, context.handoffsSoFar ?? 0);
  if (refusal || !target) return undefined;
  const loaded = await load(context.input.tenantId, target);
  if (!loaded.ok) return undefined;
  const reason = typeof context.args.reason === 'string' ? context.args.reason : undefined;
  return { agent: loaded.agent, content: handoffContent(context.agent.name, target, reason) };
}

export const swarmHooks: AgentHooks = { subAgent: runSubAgent, handoff: handOff };
