/**
 * Faults the Pinecone emulator injects, so retry behaviour can be tested: "fail the next n
 * calls (optionally only calls to one path) with a 429, 500 or 503, or drop the connection".
 */
import { z } from 'zod';
import { createFaultQueue } from '../fault-queue.ts';

export const pineconeFaultSchema = z.object({
  /** An HTTP status, or `reset` to drop the TCP connection without an answer. */
  status: z.union([z.literal(429), z.literal(500), z.literal(503), z.literal('reset')]),
  count: z.number().int().positive().default(1),
  /** Sent as `retry-after` (seconds). */
  retryAfterSeconds: z.number().nonnegative().optional(),
  /** Only calls to this path (e.g. `/vectors/upsert`) consume the fault; others pass through. */
  path: z.string().startsWith('/').optional(),
});

export type PineconeFault = z.input<typeof pineconeFaultSchema>;
export type QueuedPineconeFault = z.output<typeof pineconeFaultSchema>;

export interface PineconeFaultQueue {
  /** Throws a ZodError on a malformed fault. */
  enqueue(fault: unknown): void;
  /** Consumes one fault matching the path, or returns undefined when the call should succeed. */
  take(path: string): Omit<QueuedPineconeFault, 'count'> | undefined;
  pending(): QueuedPineconeFault[];
  clear(): void;
}

export function createPineconeFaultQueue(): PineconeFaultQueue {
  const queue = createFaultQueue<Omit<QueuedPineconeFault, 'count'>>((fault, path) => fault.path === undefined || fault.path === path);
  return {
    enqueue(input) {
      const { count, ...fault } = pineconeFaultSchema.parse(input);
      queue.enqueue(fault, count);
    },
    take: (path) => queue.take(path),
    pending: () => queue.pending().map(({ fault, remaining }) => ({ ...fault, count: remaining })),
    clear: () => queue.clear(),
  };
}

/** The body the service's edge answers each status with. */
export function faultMessage(status: 429 | 500 | 503): string {
  if (status === 429) return 'Request failed. You have exceeded the rate limit for this operation (simulated).';
  if (status === 500) return 'Internal error (simulated).';
  return 'Service unavailable (simulated).';
}
