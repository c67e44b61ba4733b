import type { RunStreamEvent } from './run-stream-events.ts';

export interface RunStreamSubscription {
  close(): Promise<void>;
}

/**
 * Fan-out of a run's stream events from the worker that calls the model to the API process
 * that holds the client's connection. Keyed by workflow id; delivery is at most once, in order.
 */
export interface RunStreamBus {
  /** Publishes events in order; resolves once the channel has accepted them. */
  publish(runId: string, events: RunStreamEvent[]): Promise<void>;
  /** Resolves once listening is in place, so a run started afterwards loses nothing. */
  subscribe(runId: string, onEvents: (events: RunStreamEvent[]) => void): Promise<RunStreamSubscription>;
  close(): Promise<void>;
}

/**
 * Postgres caps a NOTIFY payload at 8000 bytes. Deltas are split to at most this many UTF-16
 * units, so even text that JSON escapes to six bytes a character fits in one payload.
 */
const MAX_DELTA_CHARS = 1000;
const MAX_EVENTS_PER_MESSAGE_CHARS = 1000;

/** Groups events into messages that each fit one payload. */
export function encodeMessages(events: RunStreamEvent[]): string[] {
  const messages: string[] = [];
  let batch: RunStreamEvent[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length > 0) messages.push(JSON.stringify(batch));
    batch = [];
    size = 0;
  };
  for (const event of events) {
    const pieces: RunStreamEvent[] =
      event.type === 'delta' && event.text.length > MAX_DELTA_CHARS
        ? Array.from({ length: Math.ceil(event.text.length / MAX_DELTA_CHARS) }, (_, i) => ({
            type: 'delta' as const,
            text: event.text.slice(i * MAX_DELTA_CHARS, (i + 1) * MAX_DELTA_CHARS),
          }))
        : [event];
    for (const piece of pieces) {
      const cost = piece.type === 'delta' ? piece.text.length : 100;
      if (size + cost > MAX_EVENTS_PER_MESSAGE_CHARS) flush();
      batch.push(piece);
      size += cost;
    }
  }
  flush();
  return messages;
}

/** A message a bus received; anything that is not an event list is dropped. */
export function decodeMessage(payload: string): RunStreamEvent[] {
  try {
    const parsed = JSON.parse(payload) as unknown;
    return Array.isArray(parsed) ? (parsed as RunStreamEvent[]) : [];
  } catch {
    return [];
  }
}
