/**
 * Back-pressure for a local model: a few requests generate at once (slots), a bounded number wait
 * their turn, and the rest are refused at once with a retry hint — a tiny model on 2 cores must
 * neither queue without bound nor leave a caller hanging. A waiter that is not served within the
 * wait timeout is refused the same way.
 */
export interface RequestQueueOptions {
  /** Requests generating at the same time (sequences of the model's context). */
  slots: number;
  /** Requests allowed to wait for a slot; beyond it they are refused (429). */
  maxWaiting: number;
  /** Longest wait for a slot before the request is refused (429) rather than left hanging. */
  waitTimeoutMs: number;
}

/** Thrown when the queue is full or a waiter timed out; `retryAfterMs` is the hint for the 429. */
export class QueueRejection extends Error {
  override readonly name = 'QueueRejection';
  constructor(
    readonly reason: 'queue_full' | 'wait_timeout',
    readonly retryAfterMs: number,
  ) {
    super(reason === 'queue_full' ? 'The local model is busy: its request queue is full.' : 'The local model is busy: no slot became free in time.');
  }
}

export interface RequestQueue {
  /** Resolves with a release function once a slot is held; rejects with QueueRejection. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  stats(): { active: number; waiting: number; slots: number; maxWaiting: number };
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (error: unknown) => void;
}

export function createRequestQueue(options: RequestQueueOptions): RequestQueue {
  let active = 0;
  const waiting: Waiter[] = [];
  // A recent generation's duration estimates how soon a slot frees up, for Retry-After.
  let typicalHoldMs = 1_000;

  function retryAfterMs(): number {
    const ahead = waiting.length + 1;
    return Math.max(1_000, Math.ceil((typicalHoldMs * ahead) / options.slots / 1_000) * 1_000);
  }

  function releaser(): () => void {
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      typicalHoldMs = 0.8 * typicalHoldMs + 0.2 * (Date.now() - started);
      const next = waiting.shift();
      if (next) next.grant(releaser());
      else active -= 1;
    };
  }

  return {
    acquire(signal) {
      if (active < options.slots) {
        active += 1;
        return Promise.resolve(releaser());
      }
      if (waiting.length >= options.maxWaiting) return Promise.reject(new QueueRejection('queue_full', retryAfterMs()));
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
        };
        const waiter: Waiter = {
          grant: (release) => {
            done();
            resolve(release);
          },
          fail: (error) => {
            done();
            reject(error);
          },
        };
        const timer = setTimeout(() => waiter.fail(new QueueRejection('wait_timeout', retryAfterMs())), options.waitTimeoutMs);
        const onAbort = () => waiter.fail(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(waiter);
      });
    },
    stats: () => ({ active, waiting: waiting.length, slots: options.slots, maxWaiting: options.maxWaiting }),
  };
}
