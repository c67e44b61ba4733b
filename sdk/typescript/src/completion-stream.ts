/**
 * A streamed completion: an async iterable of the API's Server-Sent Events, typed, plus helpers
 * for the common cases (the final completion, the whole text). The API's `completion` event is
 * the workflow's result and the source of truth; deltas are the same text, early.
 */
import { APIConnectionError, APIUserAbortError, SomaAgentError } from './errors.js';
import type { OpenStream } from './http-client.js';
import { errorFromEvent, parseEventData, readServerSentEvents } from './sse.js';
import type { Completion } from './types/completions.js';
import type { ProviderId } from './types/shared.js';

/** Always first: the run exists; its id is the workflow id. */
export interface RunEvent {
  type: 'run';
  id: string;
  object: 'run';
  kind: 'completion';
  /** The first model of the chain. */
  model: string;
  requested_model: string;
}

/** The next piece of the answer (adjacent tokens may arrive merged). */
export interface DeltaEvent {
  type: 'delta';
  text: string;
}

/** A piece of a tool call: the first piece of a call has its `id` and `name`; `arguments_delta` pieces add up to its JSON arguments. */
export interface ToolCallDeltaEvent {
  type: 'tool_call_delta';
  /** Position of the call within the answer (parallel calls: 0, 1, ...). */
  index: number;
  id?: string;
  name?: string;
  arguments_delta: string;
}

/** The same model starts over. When `discard_text` is true, the text so far belongs to the failed attempt. */
export interface RetryEvent {
  type: 'retry';
  model: string;
  provider: ProviderId;
  attempt: number;
  fallback_depth: number;
  /** The failure class of the previous attempt (`connection`, `server_error`, `interrupted`, ...). */
  error: string;
  discard_text: boolean;
}

/** The chain moved on to the next model; same `discard_text` rule as a retry. */
export interface FallbackEvent extends Omit<RetryEvent, 'type'> {
  type: 'fallback';
  from: string;
  to: string;
}

/** The last event: the same body as a non-streamed completion. */
export interface CompletionEvent {
  type: 'completion';
  completion: Completion;
}

export type CompletionStreamEvent = RunEvent | DeltaEvent | ToolCallDeltaEvent | RetryEvent | FallbackEvent | CompletionEvent;

/** The typed events of an event-stream body; an `error` event is thrown as its APIError. */
async function* parseEvents(response: Response): AsyncGenerator<CompletionStreamEvent> {
  if (!response.body) throw new APIConnectionError('The stream response has no body.');
  for await (const message of readServerSentEvents(response.body)) {
    switch (message.event) {
      case 'run':
      case 'delta':
      case 'tool_call_delta':
      case 'retry':
      case 'fallback':
        yield { ...parseEventData(message), type: message.event } as CompletionStreamEvent;
        break;
      case 'completion':
        yield { type: 'completion', completion: parseEventData(message) as unknown as Completion };
        break;
      case 'error':
        throw errorFromEvent(message, response.headers);
      default:
        // Events this SDK version does not know are skipped, so the API can add some.
        break;
    }
  }
}

/** A 200 answered with JSON instead of a stream (e.g. a replayed response): one completion event. */
async function* fromJson(response: Response): AsyncGenerator<CompletionStreamEvent> {
  yield { type: 'completion', completion: (await response.json()) as Completion };
}

export class CompletionStream implements AsyncIterable<CompletionStreamEvent> {
  /** Aborting it closes the connection, which cancels the run (see `abort()`). */
  readonly controller: AbortController;
  readonly response: Response;
  /** The API's `x-request-id` for this request. */
  readonly requestId: string | undefined;

  private readonly first: RunEvent | CompletionEvent;
  private readonly rest: AsyncGenerator<CompletionStreamEvent>;
  private readonly release: () => void;
  private iterated = false;
  private snapshot = '';
  private completion: Completion | undefined;
  private failure: SomaAgentError | undefined;
  private readonly settled: Promise<Completion>;
  private settle!: { resolve(completion: Completion): void; reject(error: SomaAgentError): void };

  private constructor(open: OpenStream, first: RunEvent | CompletionEvent, rest: AsyncGenerator<CompletionStreamEvent>) {
    this.controller = open.controller;
    this.response = open.response;
    this.requestId = open.response.headers.get('x-request-id') ?? undefined;
    this.release = open.release;
    this.first = first;
    this.rest = rest;
    this.settled = new Promise<Completion>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A stream nobody asks for its result must not end in an unhandled rejection.
    this.settled.catch(() => undefined);
  }

  /** Reads up to the first event, so `runId` is known (and a failed start throws) before iterating. */
  static async open(open: OpenStream): Promise<CompletionStream> {
    const isJson = /json/i.test(open.response.headers.get('content-type') ?? '');
    const events = isJson ? fromJson(open.response) : parseEvents(open.response);
    let first: IteratorResult<CompletionStreamEvent>;
    try {
      first = await events.next();
    } catch (err) {
      open.release();
      if (open.controller.signal.aborted) throw new APIUserAbortError();
      throw err instanceof SomaAgentError ? err : new APIConnectionError('The stream broke before its first event.', { cause: err });
    }
    if (first.done || (first.value.type !== 'run' && first.value.type !== 'completion')) {
      open.controller.abort();
      open.release();
      throw new APIConnectionError('The stream did not start with a run event.');
    }
    return new CompletionStream(open, first.value, events);
  }

  /** The run's id (a Temporal workflow id): `client.runs.get(stream.runId)`. */
  get runId(): string {
    return this.first.type === 'run' ? this.first.id : this.first.completion.id;
  }

  /** The text of the current attempt so far: deltas accumulated, dropped on a retry or fallback with `discard_text`. */
  get currentText(): string {
    return this.snapshot;
  }

  /**
   * Stops reading and closes the connection; the API then cancels the run. Iteration ends quietly;
   * `finalCompletion()` and `text()` reject with APIUserAbortError.
   */
  abort(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CompletionStreamEvent> {
    if (this.iterated) throw new SomaAgentError('This stream was already read: a stream can be iterated once (use finalCompletion() or text() for its result).');
    this.iterated = true;
    try {
      yield this.observe(this.first);
      for (;;) {
        const next = await this.rest.next();
        if (next.done) break;
        yield this.observe(next.value);
      }
      if (!this.completion) throw new APIConnectionError('The stream ended before its completion event.');
    } catch (err) {
      if (this.controller.signal.aborted) {
        this.fail(new APIUserAbortError('The stream was aborted.'));
        return;
      }
      const error = err instanceof SomaAgentError ? err : new APIConnectionError(`The stream broke: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      this.fail(error);
      throw error;
    } finally {
      if (!this.completion && !this.failure) {
        // The reader stopped early (break, return, a throw in its loop): close the connection.
        this.controller.abort();
        this.fail(new APIUserAbortError('The stream was closed before its end.'));
      }
      await this.rest.return(undefined).catch(() => undefined);
      this.release();
    }
  }

  /** Resolves to the final completion, reading the stream to its end if nobody is iterating it. */
  finalCompletion(): Promise<Completion> {
    if (!this.iterated) void this.drain();
    return this.settled;
  }

  /**
   * Resolves to the whole answer once the stream ends: the deltas accumulated with discarded
   * attempts dropped, as confirmed by the final completion's text.
   */
  async text(): Promise<string> {
    return (await this.finalCompletion()).text;
  }

  private async drain(): Promise<void> {
    try {
      for await (const _event of this) {
        // Each event is observed by the iterator itself.
      }
    } catch {
      // The failure rejects `settled`, which the caller awaits.
    }
  }

  private observe(event: CompletionStreamEvent): CompletionStreamEvent {
    switch (event.type) {
      case 'delta':
        this.snapshot += event.text;
        break;
      case 'retry':
      case 'fallback':
        if (event.discard_text) this.snapshot = '';
        break;
      case 'completion':
        this.completion = event.completion;
        this.settle.resolve(event.completion);
        break;
      case 'run':
        break;
    }
    return event;
  }

  private fail(error: SomaAgentError): void {
    if (this.failure || this.completion) return;
    this.failure = error;
    this.settle.reject(error);
  }
}
