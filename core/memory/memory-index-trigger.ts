import type { Client } from '@temporalio/client';
import { KIND, TENANT } from '../../platform/temporal/search-attributes.ts';

export type MemoryIndexTrigger = (tenantId: string) => Promise<void>;

/** Wakes (or starts) the tenant's memory indexer: signal-with-start makes both one call. */
export function createMemoryIndexTrigger(client: Client, taskQueue: string): MemoryIndexTrigger {
  return async (tenantId) => {
    await client.workflow.signalWithStart('memoryIndexer', {
      workflowId: `memory-indexer-${tenantId}`,
      taskQueue,
      args: [{ tenantId }],
      signal: 'messages_pending',
      typedSearchAttributes: [
        { key: TENANT, value: tenantId },
        { key: KIND, value: 'memory_indexer' },
      ],
    });
  };
}
