import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
import type { MemoryActivities } from '../activities/memory/create-memory-activities.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';

/** Sent (with signal-with-start) whenever a tenant's conversations gain messages. */
export const messagesPendingSignal = defineSignal('messages_pending');

// About ten minutes of retries; after that the run fails and the next message's signal-with-start begins a new one.
const embedding: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: boundedRetry({ initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 15 }),
};
const { embedPendingMessages } = proxyActivities<MemoryActivities>(embedding);

const BATCH = 64;
/** Rounds before continue-as-new keeps the history short. */
const ROUNDS = 100;

/**
 * One per tenant (`memory-indexer-<tenant>`): makes new conversation messages searchable off the
 * request path. Woken by a signal, it embeds everything pending in batches, then sleeps; after
 * ten idle minutes it ends, and the next signal-with-start begins a new run.
 */
export async function memoryIndexer(input: { tenantId: string }): Promise<void> {
  let pending = true;
  setHandler(messagesPendingSignal, () => {
    pending = true;
  });
  for (let round = 0; round < ROUNDS; round++) {
    if (!(await condition(() => pending, '10 minutes'))) return;
    pending = false;
    while ((await embedPendingMessages({ tenantId: input.tenantId, limit: BATCH })) === BATCH) {
      // A full batch: there may be more.
    }
  }
  await continueAsNew<typeof memoryIndexer>(input);
}
