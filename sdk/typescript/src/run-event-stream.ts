/**
 * A run's history as it happens (`runs.events(id, { follow: true })`): an async iterable of
 * history events that ends when the run closes. Unlike a completion stream, closing it early
 * only stops watching; the run goes on.
 */
import { APIConnectionError, SomaAgentError } from './errors.js';
import type { OpenStream } from './http-client.js';
import { errorFromEvent, parseEventData, readServerSentEvents } from './sse.js';
import type { RunEventsEnd, RunHistoryEvent } from './types/runs.js';

export class RunEventStream implements AsyncIterable<RunHistoryEvent> {
  readonly controller: AbortController;
  readonly response: Response;
  private readonly release: () => void;
  private iterated = false;
  private ending: RunEventsEnd | undefined;

  constructor(open: OpenStream) {
    this.controller = open.controller;
    this.response = open.response;
    this.release = open.release;
  }

  /** Set once the stream ended normally: whether the run had closed. */
  get end(): RunEventsEnd | undefined {
    return this.ending;
  }

  /** Stops watching (iteration ends quietly). */
  abort(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RunHistoryEvent> {
    if (this.iterated) throw new SomaAgentError('This stream was already read: a stream can be iterated once.');
    this.iterated = true;
    if (!this.response.body) throw new APIConnectionError('The stream response has no body.');
    try {
      for await (const message of readServerSentEvents(this.response.body)) {
        if (message.event === 'run_event') yield parseEventData(message) as unknown as RunHistoryEvent;
        else if (message.event === 'end') {
          this.ending = parseEventData(message) as unknown as RunEventsEnd;
          return;
        } else if (message.event === 'error') throw errorFromEvent(message, this.response.headers);
      }
      throw new APIConnectionError('The event stream ended before its end event.');
    } catch (err) {
      if (this.controller.signal.aborted) return;
      if (err instanceof SomaAgentError) throw err;
      throw new APIConnectionError(`The stream broke: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      // A reader that stops early closes the connection.
      if (!this.ending) this.controller.abort();
      this.release();
    }
  }
}
