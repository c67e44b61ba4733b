/**
 * Faults queued through the control API: "fail the next n matching requests this way".
 * Entries are consumed in order; an entry with a model only matches calls for that model.
 */
import type { Fault, FaultName } from './fault.ts';

export interface QueuedFault {
  name: FaultName;
  remaining: number;
  retryAfterSeconds: number | undefined;
  model: string | undefined;
}

export interface FaultPlan {
  enqueue(fault: Omit<QueuedFault, 'remaining'> & { count: number }): void;
  /** Consumes one matching fault, or returns undefined when the call should succeed. */
  take(model: string): Fault | undefined;
  pending(): QueuedFault[];
  clear(): void;
}

export function createFaultPlan(): FaultPlan {
  let queue: QueuedFault[] = [];
  return {
    enqueue({ count, ...fault }) {
      if (count > 0) queue.push({ ...fault, remaining: count });
    },
    take(model) {
      // The common benchmark case is an empty queue: keep it a single length check.
      if (queue.length === 0) return undefined;
      const index = queue.findIndex((entry) => entry.model === undefined || entry.model === model);
      const entry = queue[index];
      if (!entry) return undefined;
      entry.remaining -= 1;
      if (entry.remaining === 0) queue.splice(index, 1);
      return { name: entry.name, retryAfterSeconds: entry.retryAfterSeconds };
    },
    pending: () => queue.map((entry) => ({ ...entry })),
    clear() {
      queue = [];
    },
  };
}
