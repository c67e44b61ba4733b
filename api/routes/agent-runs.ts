import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { AGENT_KIND, type AgentApprovalSignal, type AgentResult } from '../../core/agents/agent-types.ts';
import { KIND } from '../../platform/temporal/search-attributes.ts';
import type { AgentStore } from '../../stores/agents.ts';
import type { RunStreamBus } from '../../stores/run-streams/run-stream-bus.ts';
import { agentApprovalSignal, agentEventsQuery, agentPendingQuery, agentStateQuery } from '../../workflows/agent.ts';
import { relayAgentEvents } from '../agent-event-stream.ts';
import { ApiError } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { requireApprover } from '../middleware/key-roles.ts';
import type { AgentRunStateJson, ApprovalListJson } from '../schemas/agents.ts';
import { snakeCaseKeys } from '../schemas/snake-case-keys.ts';
import { parseInput } from '../validation.ts';
import { findOwnedRun } from './runs.ts';

export const ApprovalBodySchema = z
  .object({
    call_id: z.string().min(1).max(200).describe('The tool call waiting for a decision (GET /v1/runs/{id}/approvals lists them).'),
    decision: z.enum(['approve', 'edit', 'reject']),
    arguments: z.record(z.string(), z.unknown()).optional().describe('With "edit": the arguments to run instead.'),
    reason: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => (b.decision === 'edit') === (b.arguments !== undefined), { message: '"arguments" goes with decision "edit", and only with it.', path: ['arguments'] });

const EventsQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    follow: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  })
  .strict();

/** The agent state a run's query answers, in the API's snake_case (tool arguments stay JSON text). */
export async function agentRunStateJson(handle: WorkflowHandle): Promise<AgentRunStateJson> {
  const state = await handle.query(agentStateQuery);
  return { object: 'agent_run', id: handle.workflowId, ...(snakeCaseKeys(state) as Omit<AgentRunStateJson, 'object' | 'id'>) };
}

/** A finished agent run's result for GET /v1/runs/{id}: snake_case, but the parsed answer is the model's data and keeps its keys. */
export function agentResultJson(result: AgentResult): unknown {
  const { parsed, ...rest } = result;
  return { ...(snakeCaseKeys(rest) as Record<string, unknown>), ...(parsed !== undefined && { parsed }) };
}

const notAgentRun = (id: string) => new ApiError(404, 'not_found_error', 'not_an_agent_run', `Run "${id}" is not an agent run.`);

async function findAgentRun(client: Client, req: Request) {
  const owned = await findOwnedRun(client, req);
  const kind = owned.description.typedSearchAttributes.get(KIND) ?? owned.description.type;
  if (kind !== AGENT_KIND) throw notAgentRun(owned.description.workflowId);
  return owned;
}

export function agentRunsRouter(deps: { client: Client; agents: AgentStore; streams: RunStreamBus }): Router {
  const router = Router();

  router.get('/v1/runs/:runId/agent', async (req, res) => {
    const { handle } = await findAgentRun(deps.client, req);
    res.json(await agentRunStateJson(handle));
  });

  router.get('/v1/runs/:runId/agent/events', async (req, res) => {
    const { handle } = await findAgentRun(deps.client, req);
    const query = parseInput(EventsQuerySchema, req.query, 'query string');
    if (query.follow) {
      await relayAgentEvents(req, res, handle, query.after, { bus: deps.streams });
      return;
    }
    const events = await handle.query(agentEventsQuery, query.after);
    res.json({ object: 'list', run_id: handle.workflowId, data: snakeCaseKeys(events) });
  });

  router.get('/v1/runs/:runId/approvals', async (req, res) => {
    const { tenantId } = principalOf(req);
    const { handle, description } = await findAgentRun(deps.client, req);
    const pending = description.status.name === 'RUNNING' ? await handle.query(agentPendingQuery) : [];
    const decided = await deps.agents.approvals(tenantId, handle.workflowId);
    const body: ApprovalListJson = {
      object: 'list',
      run_id: handle.workflowId,
      pending: snakeCaseKeys(pending) as ApprovalListJson['pending'],
      decided: decided.map((d) => ({
        call_id: d.callId,
        tool_name: d.toolName,
        decision: d.decision,
        timed_out: d.timedOut,
        approver: d.approverKeyId === null ? null : { key_id: d.approverKeyId, key_name: d.approverKeyName },
        reason: d.reason,
        decided_at: d.decidedAt.toISOString(),
      })),
    };
    res.json(body);
  });

  // The dedicated approval endpoint: the same `approval` signal the generic signal endpoint
  // sends, but the call must be waiting (409 otherwise) and who decided is the key, always.
  router.post('/v1/runs/:runId/approvals', async (req, res) => {
    const approver = requireApprover(req);
    const body = parseInput(ApprovalBodySchema, req.body);
    const { handle, description } = await findAgentRun(deps.client, req);
    if (description.status.name !== 'RUNNING') throw new ApiError(409, 'conflict_error', 'run_not_running', `Run "${handle.workflowId}" has already finished.`);
    const pending = await handle.query(agentPendingQuery);
    if (!pending.some((p) => p.callId === body.call_id)) {
      throw new ApiError(409, 'conflict_error', 'approval_not_pending', `Call "${body.call_id}" of run "${handle.workflowId}" is not waiting for approval (GET /v1/runs/{id}/approvals lists those that are).`);
    }
    const signal: AgentApprovalSignal = {
      callId: body.call_id,
      decision: body.decision,
      ...(body.arguments && { arguments: body.arguments }),
      ...(body.reason !== undefined && { reason: body.reason }),
      by: approver,
    };
    await handle.signal(agentApprovalSignal, signal);
    res.status(202).json({ run_id: handle.workflowId, call_id: body.call_id, decision: body.decision, accepted: true, approver: { key_id: approver.keyId, key_name: approver.keyName } });
  });

  return router;
}
