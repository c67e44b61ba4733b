import { Router, type Request } from 'express';
import { z } from 'zod';
import { QueryNotRegisteredError, WorkflowFailedError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { KIND, MODEL, TENANT } from '../../platform/temporal/search-attributes.ts';
import type { CompletionResult } from '../../core/completions/completion-types.ts';
import { isApprovalSignal } from '../../core/access/approval-signals.ts';
import { ApiError, notFound } from '../api-error.ts';
import { approvalSignalArgs } from '../approval-signal-args.ts';
import { principalOf } from '../middleware/auth.ts';
import { toApiError } from '../temporal-errors.ts';
import { parseInput } from '../validation.ts';
import { completionResponse } from './completions.ts';
import { ingestionJson } from './memory.ts';
import { ragResponse } from './rag.ts';
import type { IngestProgress } from '../../core/memory/memory-types.ts';
import type { RagResult } from '../../workflows/rag.ts';
import { historyPage, isClosingEvent, type RunEvent } from '../run-events.ts';
import { snakeCaseKeys } from '../schemas/snake-case-keys.ts';
import type { RunJson } from '../schemas/runs.ts';
import { AGENT_KIND, type AgentResult } from '../../core/agents/agent-types.ts';
import { agentResultJson } from './agent-runs.ts';

export const RUN_ID = /^[a-z][a-z0-9-]{0,40}-[A-Za-z0-9_-]{1,120}$/;
export const HANDLER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

const EventsQuerySchema = z
  .object({ follow: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') })
  .strict();

const ArgsBodySchema = z.object({ args: z.array(z.unknown()).max(20).default([]) }).strict();
const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    kind: z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/).optional(),
  })
  .strict();

type RunStatus = RunJson['status'];

const STATUS: Record<string, RunStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
};

interface OwnedRun {
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
}

function runSummary(d: WorkflowExecutionDescription): RunJson {
  return {
    id: d.workflowId,
    object: 'run' as const,
    kind: d.typedSearchAttributes.get(KIND) ?? d.type,
    status: STATUS[d.status.name] ?? 'unknown',
    model: d.typedSearchAttributes.get(MODEL) ?? null,
    created_at: d.startTime.toISOString(),
    closed_at: d.closeTime?.toISOString() ?? null,
  };
}

/** A finished run's result in the same shape its own endpoint answers with. */
function resultJson(kind: string, runId: string, result: unknown): unknown {
  switch (kind) {
    case 'completion':
      return completionResponse(runId, result as CompletionResult);
    case 'ingestion':
      return ingestionJson(runId, result as IngestProgress);
    case 'rag':
      return ragResponse(runId, result as RagResult);
    case AGENT_KIND:
      return agentResultJson(result as AgentResult);
    default:
      return snakeCaseKeys(result);
  }
}

function runNotFound(id: string): ApiError {
  return notFound('run_not_found', `No run "${id}" exists for this tenant.`);
}

/**
 * Ownership is the run's SomaTenant search attribute, which only our API sets. Someone else's run
 * and a missing one get the same 404, so ids reveal nothing across tenants.
 */
export async function findOwnedRun(client: Client, req: Request): Promise<OwnedRun> {
  const { tenantId } = principalOf(req);
  const id = String(req.params.runId);
  if (!RUN_ID.test(id)) throw runNotFound(id);
  const handle = client.workflow.getHandle(id);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw runNotFound(id);
    throw err;
  }
  if (description.typedSearchAttributes.get(TENANT) !== tenantId) throw runNotFound(id);
  return { handle, description };
}

function notRunning(id: string): ApiError {
  return new ApiError(409, 'conflict_error', 'run_not_running', `Run "${id}" has already finished.`);
}

function handlerName(req: Request): string {
  const name = String(req.params.name);
  if (!HANDLER_NAME.test(name)) throw new ApiError(400, 'invalid_request_error', 'invalid_handler_name', `"${name}" is not a valid query or signal name.`);
  // `__stack_trace`, `__enhanced_stack_trace`, `__temporal_workflow_metadata`, ...: Temporal's
  // built-ins describe the worker (server file paths, source), not the run; never for tenants.
  if (name.startsWith('__')) throw new ApiError(400, 'invalid_request_error', 'invalid_handler_name', `"${name}" is reserved for Temporal's built-in handlers.`);
  return name;
}

export function runsRouter(client: Client): Router {
  const router = Router();

  router.get('/v1/runs', async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseInput(ListQuerySchema, req.query, 'query string');
    // Tenant ids are validated identifiers, so quoting them into the visibility query is safe.
    let visibility = `SomaTenant = "${tenantId}"`;
    if (query.kind) visibility += ` AND SomaKind = "${query.kind}"`;
    const data: ReturnType<typeof runSummary>[] = [];
    for await (const info of client.workflow.list({ query: visibility, pageSize: query.limit })) {
      data.push(runSummary(info as WorkflowExecutionDescription));
      if (data.length >= query.limit) break;
    }
    res.json({ object: 'list', data });
  });

  // What happened in a run, event by event (the Web UI's history, summarised). `?follow=true`
  // streams them as Server-Sent Events until the run closes.
  router.get('/v1/runs/:runId/events', async (req, res) => {
    const { description } = await findOwnedRun(client, req);
    const query = parseInput(EventsQuerySchema, req.query, 'query string');
    const { namespace } = client.options;
    const id = description.workflowId;
    if (!query.follow) {
      const data: RunEvent[] = [];
      let token: Uint8Array | null = null;
      do {
        const page = await historyPage(client, namespace, id, token, false);
        data.push(...page.events);
        token = page.nextPageToken;
      } while (token && data.length < 10_000);
      res.json({ object: 'list', data });
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.status(200).setHeader('content-type', 'text/event-stream; charset=utf-8').setHeader('cache-control', 'no-cache').setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let token: Uint8Array | null = null;
    let closed = false;
    try {
      while (!closed && !abort.signal.aborted) {
        const page = await client.connection.withAbortSignal(abort.signal, () => historyPage(client, namespace, id, token, true));
        if (page.events.length === 0) res.write(': keep-alive\n\n');
        for (const event of page.events) {
          send('run_event', event);
          closed ||= isClosingEvent(event);
        }
        token = page.nextPageToken;
        if (!token) break;
      }
      send('end', { id, closed });
    } catch (err) {
      if (abort.signal.aborted) return;
      const apiError = toApiError(err);
      send('error', { status: apiError.status, error: { type: apiError.type, code: apiError.code, message: apiError.message, request_id: req.requestId } });
    }
    res.end();
  });

  router.get('/v1/runs/:runId', async (req, res) => {
    const { handle, description } = await findOwnedRun(client, req);
    const summary = runSummary(description);
    if (summary.status === 'completed') {
      const result: unknown = await handle.result();
      const body = resultJson(summary.kind, description.workflowId, result);
      res.json({ ...summary, result: body });
      return;
    }
    if (summary.status === 'running') {
      res.json(summary);
      return;
    }
    try {
      await handle.result();
      res.json(summary);
    } catch (err) {
      const error = err instanceof WorkflowFailedError ? toApiError(err) : undefined;
      res.json({ ...summary, error: error ? { type: error.type, code: error.code, message: error.message } : null });
    }
  });

  router.post('/v1/runs/:runId/query/:name', async (req, res) => {
    const name = handlerName(req);
    const { args } = parseInput(ArgsBodySchema, req.body ?? {});
    const { handle } = await findOwnedRun(client, req);
    try {
      const result: unknown = await handle.query(name, ...args);
      // Query answers are workflow state (camelCase in TypeScript); the API speaks snake_case.
      res.json({ id: handle.workflowId, query: name, result: snakeCaseKeys(result) });
    } catch (err) {
      if (err instanceof QueryNotRegisteredError) {
        throw new ApiError(400, 'invalid_request_error', 'unknown_query', `Run "${handle.workflowId}" has no query "${name}".`);
      }
      throw err;
    }
  });

  router.post('/v1/runs/:runId/signal/:name', async (req, res) => {
    const name = handlerName(req);
    const parsed = parseInput(ArgsBodySchema, req.body ?? {});
    // Approvals are bound to the authenticated key; every other signal passes as sent.
    const args = isApprovalSignal(name) ? approvalSignalArgs(req, name, parsed.args) : parsed.args;
    const { handle, description } = await findOwnedRun(client, req);
    if (description.status.name !== 'RUNNING') throw notRunning(handle.workflowId);
    try {
      await handle.signal(name, ...args);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notRunning(handle.workflowId);
      throw err;
    }
    res.status(202).json({ id: handle.workflowId, signal: name, accepted: true });
  });

  router.post('/v1/runs/:runId/cancel', async (req, res) => {
    const { handle, description } = await findOwnedRun(client, req);
    if (description.status.name !== 'RUNNING') throw notRunning(handle.workflowId);
    try {
      await handle.cancel();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notRunning(handle.workflowId);
      throw err;
    }
    res.status(202).json({ id: handle.workflowId, status: 'cancel_requested' });
  });

  return router;
}
