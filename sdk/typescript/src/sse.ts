import { APIError, SomaAgentError, type ErrorBody } from './errors.js';

/**
 * A Server-Sent Events parser (the WHATWG event-stream format): lines end in \n, \r\n or \r,
 * anywhere across chunk boundaries; `event:` names the event, `data:` lines are joined with \n,
 * a blank line dispatches, lines starting with ":" are comments (keep-alives).
 */

export interface ServerSentEvent {
  /** The `event:` field; `message` when the event named none. */
  event: string;
  data: string;
  id: string | undefined;
}

export class SSEDecoder {
  private buffer = '';
  /** The previous chunk ended in \r: a \n opening the next one belongs to the same line end. */
  private afterCR = false;
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private started = false;

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): ServerSentEvent[] {
    if (text === '') return [];
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = false;
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 === this.buffer.length) this.afterCR = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The stream ended: a final event without its blank line is not dispatched (as browsers do). */
  end(): ServerSentEvent[] {
    this.buffer = '';
    this.data = [];
    this.event = '';
    return [];
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    // `retry:` and unknown fields are ignored: reconnection is the caller's business here.
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.data.length === 0 ? undefined : { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
    this.event = '';
    this.data = [];
    return event;
  }
}

/** The events of a response body, as they arrive. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const sse = new SSEDecoder();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* sse.push(decoder.decode(value, { stream: true }));
    }
    finished = true;
    yield* sse.push(decoder.decode());
    yield* sse.end();
  } finally {
    // A consumer that stops early must not leave the connection open.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/** The JSON object an event carries; a stream that sends anything else is broken. */
export function parseEventData(message: ServerSentEvent): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(message.data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SomaAgentError(`The stream sent an unreadable "${message.event}" event: ${message.data.slice(0, 200)}`);
}

/** The API's `error` event (`{ status, error: {...} }`) as the APIError its status maps to. */
export function errorFromEvent(message: ServerSentEvent, headers: Headers): APIError {
  const data = parseEventData(message) as Partial<ErrorBody> & { status?: unknown };
  return APIError.from(typeof data.status === 'number' ? data.status : 500, { error: data.error }, headers);
}
