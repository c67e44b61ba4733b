import { createHash } from 'node:crypto';
import type { Client, WorkflowHandle, WorkflowOptions, WorkflowStartOptions } from '@temporalio/client';
import type { Response } from 'express';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair, type Workflow } from '@temporalio/common';
import { newId } from '../platform/ids.ts';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';

/**
 * A readable workflow id: capability, tenant, then a time-ordered random part — or, for a
 * request with an Idempotency-Key, a hash of the key, so a retry names the same workflow.
 */
export function runIdFor(kind: string, tenantId: string, idempotencyKey?: string): string {
  const prefix = `${kind.replaceAll('_', '-')}-${tenantId}`;
  if (idempotencyKey === undefined) return `${prefix}-${newId('r').slice(2)}`;
  return `${prefix}-k${createHash('sha256').update(`${tenantId}\n${idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

export interface StartRunOptions<W extends Workflow> {
  client: Client;
  taskQueue: string;
  /**
   * The workflow function itself (from workflows/), not its name: the compiler checks `args`
   * against its parameters and the handle's result against its return type.
   */
  workflow: W;
  /** The capability, also the SomaKind search attribute (`completion`, `prompt_experiment`). */
  kind: string;
  tenantId: string;
  workflowId: string;
  args: Parameters<W>;
  searchAttributes?: SearchAttributePair[];
  memo?: Record<string, unknown>;
  /** Start on this process's own worker (the client must share its NativeConnection). */
  eager?: boolean;
  /**
   * The workflow id came from an Idempotency-Key: a run with this id that is running or has
   * completed is returned instead of starting another (one that failed may be run again).
   * `requestHash` is kept in the memo; a different request under the same key is refused.
   */
  idempotent?: { requestHash: string; onMismatch(): Error };
}

/**
 * Every run the API starts goes through here, so every run carries the SomaTenant attribute
 * that run ownership (api/routes/runs.ts) is checked against, and its SomaKind.
 */
export async function startRun<W extends Workflow>(options: StartRunOptions<W>): Promise<WorkflowHandle<W>> {
  const { idempotent } = options;
  const memo = { ...options.memo, ...(idempotent && { idempotency: { requestHash: idempotent.requestHash } }) };
  try {
    const common: WorkflowOptions = {
      taskQueue: options.taskQueue,
      workflowId: options.workflowId,
      typedSearchAttributes: [{ key: TENANT, value: options.tenantId }, { key: KIND, value: options.kind }, ...(options.searchAttributes ?? [])],
      ...(Object.keys(memo).length > 0 && { memo }),
      ...(options.eager && { requestEagerStart: true }),
      ...(idempotent && { workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const }),
    };
    // The cast only restates what StartRunOptions<W> already checked: Temporal's conditional
    // `args` type cannot be resolved for a W that is still generic here.
    const startOptions = { ...common, args: options.args } as unknown as WorkflowStartOptions<W>;
    return await options.client.workflow.start(options.workflow, startOptions);
  } catch (err) {
    if (!idempotent || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // The same request again (a client retry): answer from the run it started.
    const handle = options.client.workflow.getHandle<W>(options.workflowId);
    const existing = await handle.describe();
    const kept = (existing.memo?.idempotency as { requestHash?: string } | undefined)?.requestHash;
    if (kept !== idempotent.requestHash) throw idempotent.onMismatch();
    return handle;
  }
}

/** 202 for a run started in the background: its id, and where to follow it. */
export function acceptedRun(res: Response, runId: string, kind: string): void {
  res.status(202).location(`/v1/runs/${runId}`).json({ id: runId, object: 'run', kind, status: 'running', created_at: new Date().toISOString() });
}
