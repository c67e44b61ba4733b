/**
 * Faults queued through the provider emulator's control API: "fail the next n matching requests
 * this way". An entry with a model only matches calls for that model.
 */
import type { Fault, FaultName } from './fault.ts';
import { createFaultQueue } from './fault-queue.ts';

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

type PlannedFault = Omit<QueuedFault, 'remaining'>;

export function createFaultPlan(): FaultPlan {
  const queue = createFaultQueue<PlannedFault>((fault, model) => fault.model === undefined || fault.model === model);
  return {
    enqueue: ({ count, ...fault }) => queue.enqueue(fault, count),
    take(model) {
      const fault = queue.take(model);
      return fault && { name: fault.name, retryAfterSeconds: fault.retryAfterSeconds };
    },
    pending: () => queue.pending().map(({ fault, remaining }) => ({ name: fault.name, remaining, retryAfterSeconds: fault.retryAfterSeconds, model: fault.model })),
    clear: () => queue.clear(),
  };
}
