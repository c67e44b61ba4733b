import type { Client } from '@temporalio/client';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';
import { memoryIndexer, messagesPendingSignal } from '../workflows/memory-indexer.ts';

export type MemoryIndexTrigger = (tenantId: string) => Promise<void>;

/**
 * Wakes (or starts) the tenant's memory indexer: signal-with-start makes both one call. It lives
 * in the composition root because it starts a workflow: the workflow function and its signal
 * definition type the input and the signal, and core/ may not load workflows/.
 */
export function createMemoryIndexTrigger(client: Client, taskQueue: string): MemoryIndexTrigger {
  return async (tenantId) => {
    await client.workflow.signalWithStart(memoryIndexer, {
      workflowId: `memory-indexer-${tenantId}`,
      taskQueue,
      args: [{ tenantId }],
      signal: messagesPendingSignal,
      signalArgs: [],
      typedSearchAttributes: [
        { key: TENANT, value: tenantId },
        { key: KIND, value: 'memory_indexer' },
      ],
    });
  };
}
