import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { newId } from '../common/ids.ts';
import { KIND, TENANT } from '../common/search-attributes.ts';

/** A readable workflow id: capability, tenant, then a time-ordered random part. */
export function runIdFor(kind: string, tenantId: string): string {
  return `${kind.replaceAll('_', '-')}-${tenantId}-${newId('r').slice(2)}`;
}

export interface StartRunOptions {
  client: Client;
  taskQueue: string;
  workflowType: string;
  /** The capability, also the SomaKind search attribute (`completion`, `prompt_experiment`). */
  kind: string;
  tenantId: string;
  workflowId: string;
  args: unknown[];
  searchAttributes?: SearchAttributePair[];
  memo?: Record<string, unknown>;
  /** Start on this process's own worker (the client must share its NativeConnection). */
  eager?: boolean;
}

/**
 * Every run the API starts goes through here, so every run carries the SomaTenant attribute
 * that run ownership (api/routes/runs.ts) is checked against, and its SomaKind.
 */
export function startRun(options: StartRunOptions): Promise<WorkflowHandle> {
  return options.client.workflow.start(options.workflowType, {
    taskQueue: options.taskQueue,
    workflowId: options.workflowId,
    args: options.args,
    typedSearchAttributes: [{ key: TENANT, value: options.tenantId }, { key: KIND, value: options.kind }, ...(options.searchAttributes ?? [])],
    ...(options.memo && { memo: options.memo }),
    ...(options.eager && { requestEagerStart: true }),
  });
}
