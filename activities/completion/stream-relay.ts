import type { RunStreamBus } from '../../stores/run-streams/run-stream-bus.ts';
import type { RunStreamEvent } from '../../stores/run-streams/run-stream-events.ts';

export interface StreamRelay {
  push(event: RunStreamEvent): void;
  /** Resolves once everything pushed so far has been published (or given up on). */
  flush(): Promise<void>;
}

/**
 * Publishes a run's events in order, one message at a time. While a publish is in flight new
 * events queue and adjacent deltas merge, so a fast model costs a few messages, not one per
 * token, and the first token still goes out at once. The stream is a courtesy on top of the
 * workflow result: a failed publish is reported and the call carries on.
 */
export function createStreamRelay(bus: RunStreamBus, runId: string, onError: (err: unknown) => void): StreamRelay {
  let queue: RunStreamEvent[] = [];
  let pumping: Promise<void> | undefined;

  const take = (): RunStreamEvent[] => {
    const merged: RunStreamEvent[] = [];
    for (const event of queue) {
      const last = merged.at(-1);
      if (event.type === 'delta' && last?.type === 'delta') merged[merged.length - 1] = { type: 'delta', text: last.text + event.text };
      // Argument text of the same call merges too; a piece that opens a call (id, name) stays its own.
      else if (event.type === 'tool_call_delta' && last?.type === 'tool_call_delta' && last.delta.index === event.delta.index && event.delta.id === undefined && event.delta.name === undefined) {
        merged[merged.length - 1] = { type: 'tool_call_delta', delta: { ...last.delta, argumentsDelta: last.delta.argumentsDelta + event.delta.argumentsDelta } };
      } else merged.push(event);
    }
    queue = [];
    return merged;
  };

  const pump = async () => {
    while (queue.length > 0) {
      try {
        await bus.publish(runId, take());
      } catch (err) {
        onError(err);
      }
    }
    pumping = undefined;
  };

  return {
    push(event) {
      queue.push(event);
      pumping ??= pump();
    },
    async flush() {
      while (pumping) await pumping;
    },
  };
}
