import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  condition,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  defineSignal,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { AgentActivities } from '../activities/agents/create-agent-activities.ts';
import { approverOf } from '../core/access/approval-signals.ts';
import {
  AGENT_APPROVAL_SIGNAL,
  AGENT_QUERIES,
  type AgentApprovalSignal,
  type AgentCarriedState,
  type AgentEvent,
  type AgentEventType,
  type AgentResult,
  type AgentRunInput,
  type AgentRunStatus,
  type AgentSnapshot,
  type AgentState,
  type AgentStatus,
  type AgentStep,
  type AgentStopReason,
  type AgentTool,
  type ApprovalRecord,
  type ChatMessage,
  type PendingApproval,
  type ToolCall,
  type ToolCallRecord,
} from '../core/agents/agent-types.ts';
import type { CompletionInput, CompletionResult } from '../core/completions/completion-types.ts';
import { withHandoffTools } from '../core/agents/handoff.ts';
import { TOOL_NON_RETRYABLE_FAILURES, toolIdempotencyKey, type ResolvedTool, type ToolActivityContract } from '../core/tools/tool-activity-contract.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';
import { agentHooks, type AgentToolCallContext, type AgentToolOutcome } from './agent-hooks.ts';
import { ragAnswerTool } from './agent-builtins.ts';
import { completion } from './completion.ts';

/** Steps per workflow execution before continueAsNew carries the state into a fresh history. */
const DEFAULT_STEPS_PER_RUN = 25;
/** Events kept in memory (the stream reads them) and carried across continueAsNew. */
const MAX_EVENTS = 2_000;
const MAX_CARRIED_EVENTS = 200;
/** A tool result longer than this is cut before the model reads it (and before it enters history). */
export const MAX_TOOL_RESULT_CHARS = 16_000;

const quick: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 }),
};
const recording: LocalActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: boundedRetry({ initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 20 }),
};
const { planAgentTurn, checkAgentOutput } = proxyActivities<AgentActivities>(quick);
const { recordAgentApproval } = proxyLocalActivities<AgentActivities>(recording);
const { resolveTools } = proxyActivities<ToolActivityContract>(quick);

export const agentApprovalSignal = defineSignal<[AgentApprovalSignal]>(AGENT_APPROVAL_SIGNAL);
export const agentStatusQuery = defineQuery<AgentStatus>(AGENT_QUERIES.status);
export const agentTranscriptQuery = defineQuery<ChatMessage[]>(AGENT_QUERIES.transcript);
export const agentStepsQuery = defineQuery<AgentStep[]>(AGENT_QUERIES.steps);
export const agentCostQuery = defineQuery<{ costUsd: number; maxCostUsd: number | null }>(AGENT_QUERIES.cost);
export const agentPendingQuery = defineQuery<PendingApproval[]>(AGENT_QUERIES.pendingApprovals);
export const agentEventsQuery = defineQuery<AgentEvent[], [number?]>(AGENT_QUERIES.events);
export const agentStateQuery = defineQuery<AgentState>(AGENT_QUERIES.state);

/** A tool the registry resolved, as the loop keeps it. */
export function agentToolOf(tool: ResolvedTool): AgentTool {
  const isStartAgent = tool.executor === 'agent' && tool.builtin === 'start_agent';
  return {
    definition: tool.definition,
    kind: isStartAgent ? 'agent' : tool.kind,
    requiresApproval: tool.requiresApproval,
    timeoutMs: tool.timeoutMs,
    ref: tool.version > 0 ? `${tool.definition.name}@${tool.version}` : tool.definition.name,
    ...(tool.builtin && { builtin: tool.builtin }),
  };
}

/** Resolves a snapshot's tool names through the registry (once, when a run or a handoff starts). */
export async function withResolvedTools(tenantId: string, agent: AgentSnapshot): Promise<AgentSnapshot> {
  const names = agent.toolNames ?? [];
  const resolved = names.length === 0 ? [] : await resolveTools({ tenantId, names });
  const { toolNames: _resolved, ...rest } = agent;
  // Each `handoffs` entry becomes a transfer_to_<name> tool (core/agents/handoff.ts).
  return { ...rest, tools: withHandoffTools({ ...rest, tools: [...agent.tools, ...resolved.map(agentToolOf)] }) };
}

function failureOf(err: unknown): { code: string; message: string } {
  let cause: unknown = err;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'failed', message: cause.message };
  return { code: 'failed', message: cause instanceof Error ? cause.message : String(cause) };
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const clip = (text: string) => (text.length > MAX_TOOL_RESULT_CHARS ? `${text.slice(0, MAX_TOOL_RESULT_CHARS)}… [truncated]` : text);

/**
 * A durable agent: model turn (the `completion` workflow as a child per turn, so fallbacks,
 * budgets, metrics and the completions record are the same as for any call) → each tool call as
 * its own activity (parallel calls in parallel, idempotency key `${workflowId}:${callId}`),
 * approvals as signals with a time-out policy → results back as tool messages → until a final
 * answer, max_steps or max_cost. Long runs continue as new with their state carried over.
 */
export async function agent(input: AgentRunInput): Promise<AgentResult> {
  const workflowId = workflowInfo().workflowId;
  const carried = input.carried;
  // Tools are resolved after the query handlers are in place: a stream or a status read that
  // arrives while they resolve gets an answer, not an unregistered-query error.
  let current: AgentSnapshot = input.agent;
  const state: AgentCarriedState = carried ?? {
    messages: input.messages,
    steps: [],
    costUsd: 0,
    events: [],
    nextSeq: 1,
    generation: 0,
    correctiveTurnUsed: false,
    agents: [input.agent.name],
  };
  const limitUsd = Math.min(current.maxCostUsd ?? Infinity, input.budgetUsd ?? Infinity);
  let status: AgentRunStatus = 'running';
  let stopReason: AgentStopReason | undefined;
  let output: string | undefined;
  let runError: { code: string; message: string } | undefined;
  const pending = new Map<string, PendingApproval>();
  const decisions = new Map<string, AgentApprovalSignal>();
  /** Set by a handoff tool call: the agent that takes over after this step. */
  let handoffTo: AgentSnapshot | undefined;
  /** The next turn is the output guardrail's one corrective turn. */
  let pendingCorrection = false;

  const emit = (type: AgentEventType, data: Record<string, unknown>, step?: number) => {
    state.events.push({ seq: state.nextSeq++, type, at: new Date().toISOString(), ...(step !== undefined && { step }), data });
    if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
  };
  const transcript = (): ChatMessage[] => [{ role: 'system', content: current.instructions }, ...state.messages];
  const statusOf = (): AgentStatus => ({
    status,
    agent: current.name,
    version: current.version,
    step: state.steps.length,
    maxSteps: current.maxSteps,
    costUsd: state.costUsd,
    maxCostUsd: Number.isFinite(limitUsd) ? limitUsd : null,
    pendingApprovals: pending.size,
    ...(stopReason && { stopReason }),
  });

  setHandler(agentStatusQuery, statusOf);
  setHandler(agentTranscriptQuery, transcript);
  setHandler(agentStepsQuery, () => state.steps);
  setHandler(agentCostQuery, () => ({ costUsd: state.costUsd, maxCostUsd: Number.isFinite(limitUsd) ? limitUsd : null }));
  setHandler(agentPendingQuery, () => [...pending.values()]);
  setHandler(agentEventsQuery, (afterSeq = 0) => state.events.filter((e) => e.seq > afterSeq));
  setHandler(agentStateQuery, () => ({
    ...statusOf(),
    steps: state.steps,
    pending: [...pending.values()],
    transcript: transcript(),
    ...(output !== undefined && { output }),
    ...(runError && { error: runError }),
  }));
  // Only a decision on a call that is waiting counts, and only from an identified approver (the
  // API sets `by` from the key); anything else is dropped, since a signal cannot answer an error.
  setHandler(agentApprovalSignal, (signal) => {
    if (typeof signal !== 'object' || signal === null || typeof signal.callId !== 'string') return;
    if (!pending.has(signal.callId) || decisions.has(signal.callId)) return;
    const by = approverOf(signal.by);
    if (!by || !['approve', 'edit', 'reject'].includes(signal.decision)) return;
    if (signal.decision === 'edit' && (typeof signal.arguments !== 'object' || signal.arguments === null || Array.isArray(signal.arguments))) return;
    decisions.set(signal.callId, { ...signal, by, ...(typeof signal.reason === 'string' && { reason: signal.reason.slice(0, 2000) }) });
  });

  if (!carried) emit('run_started', { agent: current.name, version: current.version, max_steps: current.maxSteps, max_cost_usd: Number.isFinite(limitUsd) ? limitUsd : null });

  /** Waits for a decision (or the time-out policy) on one call; false when the call must not run. */
  async function approve(step: AgentStep, record: ToolCallRecord): Promise<boolean> {
    const policy = current.approvalTimeout;
    const requestedAt = new Date();
    const item: PendingApproval = {
      callId: record.callId,
      toolName: record.name,
      arguments: record.arguments,
      step: step.index,
      requestedAt: requestedAt.toISOString(),
      expiresAt: new Date(requestedAt.getTime() + policy.afterSeconds * 1000).toISOString(),
      timeoutAction: policy.action,
    };
    pending.set(record.callId, item);
    record.status = 'pending_approval';
    status = 'waiting_approval';
    emit('approval_needed', { call_id: record.callId, tool: record.name, arguments: record.arguments, expires_at: item.expiresAt, timeout_action: policy.action }, step.index);
    let decided: boolean;
    try {
      decided = await condition(() => decisions.has(record.callId), policy.afterSeconds * 1000);
    } finally {
      pending.delete(record.callId);
      if (pending.size === 0 && status === 'waiting_approval') status = 'running';
    }
    let approval: ApprovalRecord;
    if (decided) {
      const decision = decisions.get(record.callId)!;
      approval = { decision: decision.decision, by: decision.by ?? null, reason: decision.reason ?? null, timedOut: false, at: new Date().toISOString() };
      if (decision.decision === 'edit') {
        record.originalArguments = record.arguments;
        record.arguments = JSON.stringify(decision.arguments);
      }
    } else {
      if (policy.action === 'fail') {
        emit('approval_resolved', { call_id: record.callId, decision: 'timeout', timed_out: true }, step.index);
        throw ApplicationFailure.create({ type: 'approval_timeout', message: `Nobody decided on call ${record.callId} (${record.name}) within ${policy.afterSeconds} s.`, nonRetryable: true });
      }
      approval = { decision: policy.action, by: null, reason: `no decision within ${policy.afterSeconds} s`, timedOut: true, at: new Date().toISOString() };
    }
    record.approval = approval;
    await recordAgentApproval({ tenantId: input.tenantId, runId: workflowId, callId: record.callId, toolName: record.name, approval });
    emit('approval_resolved', { call_id: record.callId, decision: approval.decision, by: approval.by, reason: approval.reason, timed_out: approval.timedOut, arguments: record.arguments }, step.index);
    if (approval.decision === 'reject') {
      record.status = 'rejected';
      record.error = { code: 'rejected', message: `An approver rejected this call${approval.reason ? `: ${approval.reason}` : ''}.` };
      return false;
    }
    record.status = 'running';
    return true;
  }

  /** Runs one approved call through its executor; never throws except for cancellation. */
  async function execute(step: AgentStep, record: ToolCallRecord, tool: AgentTool): Promise<AgentToolOutcome> {
    const args = parseArguments(record.arguments);
    if (!args) return { ok: false, error: { code: 'invalid_arguments', message: 'The arguments are not a JSON object.' } };
    const context: AgentToolCallContext = {
      workflowId,
      input,
      agent: current,
      step: step.index,
      call: { id: record.callId, name: record.name, arguments: record.arguments },
      args,
      tool,
      remainingUsd: limitUsd - state.costUsd,
      siblings: step.toolCalls.filter((c) => current.tools.find((t) => t.definition.name === c.name)?.kind === tool.kind).length,
      handoffsSoFar: state.agents.length - 1,
    };
    try {
      if (tool.kind === 'agent') return await agentHooks.subAgent(context);
      if (tool.kind === 'handoff') {
        const outcome = await agentHooks.handoff(context);
        if (!outcome) return { ok: false, error: { code: 'handoff_refused', message: `The transfer to ${tool.target ?? 'another agent'} was refused.` } };
        handoffTo = outcome.agent;
        return { ok: true, content: outcome.content };
      }
      if (tool.builtin === 'rag_answer') return await ragAnswerTool(context);
      const { executeTool } = proxyActivities<ToolActivityContract>({
        startToCloseTimeout: tool.timeoutMs + 5_000,
        summary: `${record.name} (${record.callId})`,
        retry: boundedRetry({ initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3, nonRetryableErrorTypes: [...TOOL_NON_RETRYABLE_FAILURES] }),
      });
      const result = await executeTool({
        tenantId: input.tenantId,
        runId: workflowId,
        callId: record.callId,
        toolName: tool.ref ?? tool.definition.name,
        arguments: args,
        idempotencyKey: toolIdempotencyKey(workflowId, record.callId),
      });
      return result.ok ? { ok: true, content: result.content } : { ok: false, error: result.error };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const failure = failureOf(err);
      return { ok: false, error: { code: 'tool_unavailable', message: `The tool failed after retries (${failure.code}): ${failure.message}` } };
    }
  }

  /** Approval (when the tool needs one), then execution; the record says how it went. */
  async function runCall(step: AgentStep, record: ToolCallRecord): Promise<void> {
    const tool = current.tools.find((t) => t.definition.name === record.name);
    if (!tool) {
      record.status = 'failed';
      record.error = { code: 'unknown_tool', message: `This agent has no tool "${record.name}".` };
      return;
    }
    if (tool.requiresApproval && !(await approve(step, record))) return;
    const started = Date.now();
    // A call that started finishes even if the run is cancelled meanwhile: the safe point is
    // after it, so no side effect is left half done and unrecorded.
    const outcome = await CancellationScope.nonCancellable(() => execute(step, record, tool));
    record.latencyMs = Date.now() - started;
    if (outcome.costUsd) {
      record.costUsd = outcome.costUsd;
      step.costUsd += outcome.costUsd;
      state.costUsd += outcome.costUsd;
    }
    if (outcome.ok) {
      record.status = 'succeeded';
      record.result = clip(outcome.content);
    } else {
      record.status = 'failed';
      record.error = outcome.error;
    }
  }

  /** One model turn through the completion workflow; the assistant message joins the transcript. */
  async function modelTurn(step: AgentStep): Promise<CompletionResult> {
    const tools = current.tools.map((t) => t.definition);
    const plan = await planAgentTurn({
      tenantId: input.tenantId,
      apiKeyId: input.apiKeyId,
      modelChoice: current.modelChoice,
      messages: transcript(),
      ...(current.maxTokens !== undefined && { maxTokens: current.maxTokens }),
      ...(current.temperature !== undefined && { temperature: current.temperature }),
      ...(tools.length > 0 && { tools }),
    });
    const childInput: CompletionInput = {
      ...plan,
      messages: transcript(),
      ...(tools.length > 0 && { tools, toolChoice: 'auto' as const }),
      ...(input.streamText && { stream: true }),
    };
    const result = await executeChild(completion, {
      workflowId: step.completionRunId,
      args: [childInput],
      typedSearchAttributes: [
        { key: TENANT, value: input.tenantId },
        { key: KIND, value: 'completion' },
      ],
    });
    step.model = result.modelId;
    step.text = result.text;
    step.costUsd += result.costUsd;
    step.modelLatencyMs = result.latencyMs;
    step.inputTokens = result.usage.inputTokens;
    step.outputTokens = result.usage.outputTokens;
    state.costUsd += result.costUsd;
    const calls: ToolCall[] = result.toolCalls ?? [];
    state.messages.push({ role: 'assistant', content: result.text, ...(calls.length > 0 && { toolCalls: calls }) });
    return result;
  }

  function finish(reason: AgentStopReason, text: string, parsed?: unknown): AgentResult {
    stopReason = reason;
    status = 'completed';
    output = text;
    emit('final', { status: 'completed', stop_reason: reason, output: text, cost_usd: state.costUsd, steps: state.steps.length });
    return {
      status: 'completed',
      stopReason: reason,
      output: text,
      ...(parsed !== undefined && { parsed }),
      agent: current.name,
      version: current.version,
      steps: state.steps,
      costUsd: state.costUsd,
    };
  }

  let stepsThisRun = 0;
  try {
    if (!carried) current = await withResolvedTools(input.tenantId, current);
    for (;;) {
      if (state.steps.length >= current.maxSteps) return finish('max_steps', lastText(state.steps));
      if (state.costUsd >= limitUsd) return finish('max_cost', lastText(state.steps));
      if (stepsThisRun >= (input.stepsPerRun ?? DEFAULT_STEPS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
        const next: AgentCarriedState = { ...state, events: state.events.slice(-MAX_CARRIED_EVENTS), generation: state.generation + 1 };
        await continueAsNew<typeof agent>({ ...input, agent: current, carried: next });
      }
      const index = state.steps.length;
      const step: AgentStep = { index, startedAt: new Date().toISOString(), completionRunId: `${workflowId}-step-${index}`, toolCalls: [], costUsd: 0 };
      if (pendingCorrection) step.corrective = true;
      pendingCorrection = false;
      state.steps.push(step);
      stepsThisRun++;
      const started = Date.now();
      emit('step_started', { step: index, completion_run_id: step.completionRunId, ...(step.corrective && { corrective: true }) }, index);
      const result = await modelTurn(step);
      const calls = result.toolCalls ?? [];

      if (calls.length === 0) {
        step.finishedAt = new Date().toISOString();
        step.latencyMs = Date.now() - started;
        if (current.outputSchema) {
          const check = await checkAgentOutput({ schema: current.outputSchema, text: result.text });
          if (!check.ok) {
            if (state.correctiveTurnUsed) {
              throw ApplicationFailure.create({ type: 'guardrail_failed', message: `The answer does not match the output schema: ${check.problems.join('; ')}`, nonRetryable: true });
            }
            // One corrective turn: the model is told what was wrong and answers again.
            state.correctiveTurnUsed = true;
            pendingCorrection = true;
            state.messages.push({ role: 'user', content: `Your answer must be only a JSON value matching the required schema. Problems: ${check.problems.join('; ')}. Answer again with the JSON only.` });
            continue;
          }
          return finish('final', result.text, check.parsed);
        }
        return finish('final', result.text);
      }

      if (state.costUsd >= limitUsd) {
        step.finishedAt = new Date().toISOString();
        return finish('max_cost', result.text);
      }
      step.toolCalls = calls.map((call) => ({ callId: call.id, name: call.name, arguments: call.arguments, status: 'running' as const }));
      for (const record of step.toolCalls) emit('tool_call', { call_id: record.callId, tool: record.name, arguments: record.arguments }, index);
      const settled = await Promise.allSettled(step.toolCalls.map((record) => runCall(step, record)));
      for (const record of step.toolCalls) {
        emit('tool_result', { call_id: record.callId, tool: record.name, status: record.status, ...(record.result !== undefined && { content: record.result }), ...(record.error && { error: record.error }) }, index);
        const content = record.result ?? JSON.stringify({ error: record.error ?? { code: 'not_run', message: 'The call did not run.' } });
        state.messages.push({ role: 'tool', content, toolCallId: record.callId });
      }
      step.finishedAt = new Date().toISOString();
      step.latencyMs = Date.now() - started;
      // A cancellation or an approval time-out that fails the run surfaces once every call settled.
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('the run was cancelled');
      if (handoffTo) {
        emit('handoff', { from: current.name, to: handoffTo.name }, index);
        current = await withResolvedTools(input.tenantId, handoffTo);
        state.agents.push(current.name);
        handoffTo = undefined;
      }
    }
  } catch (err) {
    // continueAsNew ends this execution by throwing; it is not a failure.
    if (err instanceof ContinueAsNew) throw err;
    if (isCancellation(err)) {
      status = 'cancelled';
      stopReason = 'cancelled';
      for (const record of state.steps.at(-1)?.toolCalls ?? []) if (record.status === 'pending_approval' || record.status === 'running') record.status = 'cancelled';
      emit('final', { status: 'cancelled', stop_reason: 'cancelled', output: '', cost_usd: state.costUsd, steps: state.steps.length });
      throw err;
    }
    status = 'failed';
    stopReason = 'failed';
    const failure = failureOf(err);
    runError = failure;
    emit('error', { code: failure.code, message: failure.message, cost_usd: state.costUsd });
    // The spend so far travels with the failure, so a supervisor still counts a failed child's cost.
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, details: [{ costUsd: state.costUsd }] });
  }
}

function lastText(steps: AgentStep[]): string {
  return steps.at(-1)?.text ?? '';
}

