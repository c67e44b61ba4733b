/**
 * The queue behind both emulators' faults: "fail the next n matching calls this way". Entries
 * are consumed in order; `matches` decides which calls an entry applies to (a model for the
 * provider emulator, a path for the Pinecone one), so each emulator keeps only its own shapes.
 */
export interface CountedFault<F> {
  fault: F;
  remaining: number;
}

export interface FaultQueue<F> {
  /** A count of 0 or less queues nothing. */
  enqueue(fault: F, count: number): void;
  /** Consumes one matching fault, or returns undefined when the call should succeed. */
  take(key: string): F | undefined;
  /** Copies, so a caller cannot change the queue. */
  pending(): CountedFault<F>[];
  clear(): void;
}

export function createFaultQueue<F extends object>(matches: (fault: F, key: string) => boolean): FaultQueue<F> {
  let queue: CountedFault<F>[] = [];
  return {
    enqueue(fault, count) {
      if (count > 0) queue.push({ fault, remaining: count });
    },
    take(key) {
      // The common benchmark case is an empty queue: keep it a single length check.
      if (queue.length === 0) return undefined;
      const index = queue.findIndex((entry) => matches(entry.fault, key));
      const entry = queue[index];
      if (!entry) return undefined;
      entry.remaining -= 1;
      if (entry.remaining === 0) queue.splice(index, 1);
      return { ...entry.fault };
    },
    pending: () => queue.map((entry) => ({ fault: { ...entry.fault }, remaining: entry.remaining })),
    clear() {
      queue = [];
    },
  };
}
