/**
 * An agent run's events as they happen (`agents.run(name, { stream: true })` or
 * `agents.events(runId, { follow: true })`): an async iterable that ends after the run's `final`
 * or `error` event. With `onApproval`, each `approval_needed` event is decided by the callback
 * (and the decision sent) before the event is handed on. Closing early only stops watching.
 */
import { APIConnectionError, SomaAgentError } from './errors.js';
import type { OpenStream } from './http-client.js';
import { errorFromEvent, parseEventData, readServerSentEvents } from './sse.js';
import type { AgentEvent, ApprovalDecision, OnApproval } from './types/agents.js';

export class AgentEventStream implements AsyncIterable<AgentEvent> {
  readonly controller: AbortController;
  readonly response: Response;
  private readonly release: () => void;
  private iterated = false;
  private id: string | undefined;

  constructor(
    open: OpenStream,
    runId: string | undefined,
    private readonly decide?: { onApproval: OnApproval; send: (runId: string, callId: string, decision: ApprovalDecision) => Promise<unknown> },
  ) {
    this.controller = open.controller;
    this.response = open.response;
    this.release = open.release;
    this.id = runId;
  }

  /** The run's id (known once the stream's `run` event arrived, for a run this stream started). */
  get runId(): string | undefined {
    return this.id;
  }

  abort(): void {
    this.controller.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    if (this.iterated) throw new SomaAgentError('This stream was already read: a stream can be iterated once.');
    this.iterated = true;
    if (!this.response.body) throw new APIConnectionError('The stream response has no body.');
    let ended = false;
    try {
      for await (const message of readServerSentEvents(this.response.body)) {
        const data = parseEventData(message);
        if (message.event === 'run') {
          this.id = String(data.id);
          continue;
        }
        if (message.event === 'end') {
          ended = true;
          return;
        }
        // The run's own `error` event carries a sequence number; one without is the stream failing.
        if (message.event === 'error' && typeof data.seq !== 'number') throw errorFromEvent(message, this.response.headers);
        const event = data as unknown as AgentEvent;
        if (event.type === 'approval_needed' && this.decide && this.id) await this.approve(event);
        yield event;
      }
      throw new APIConnectionError('The event stream ended before its end event.');
    } catch (err) {
      if (this.controller.signal.aborted) return;
      if (err instanceof SomaAgentError) throw err;
      throw new APIConnectionError(`The stream broke: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      if (!ended) this.controller.abort();
      this.release();
    }
  }

  private async approve(event: AgentEvent): Promise<void> {
    const data = event.data as { call_id?: unknown; tool?: unknown; arguments?: unknown; expires_at?: unknown };
    let args: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(String(data.arguments ?? '{}'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: the callback sees an empty object and the raw text in the event.
    }
    const callId = String(data.call_id);
    const decision = await this.decide!.onApproval({ runId: this.id!, callId, tool: String(data.tool), arguments: args, expiresAt: String(data.expires_at), event });
    await this.decide!.send(this.id!, callId, decision);
  }
}
