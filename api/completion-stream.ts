import type { Request, Response } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import type { CompletionResult } from '../core/completions/completion-types.ts';
import type { ToolCallDelta } from '../core/providers/tool-calling.ts';
import type { RunStreamBus } from '../stores/run-streams/run-stream-bus.ts';
import type { RunStreamEvent } from '../stores/run-streams/run-stream-events.ts';
import { ApiError, type ErrorBody } from './api-error.ts';
import { toApiError } from './temporal-errors.ts';

/** How long the result waits for the last deltas, which travel another path than the result. */
const TAIL_GRACE_MS = 250;
/** An SSE comment this often keeps proxies from closing a quiet stream (a slow first token). */
const KEEPALIVE_MS = 15_000;

export interface StreamCompletionOptions {
  req: Request;
  res: Response;
  bus: RunStreamBus;
  runId: string;
  /** The first candidate, named in the opening `run` event. */
  model: string;
  /** Candidates passed over because their breaker was open (no call, so no events of their own). */
  passedOver?: string[];
  requestedModel: string;
  /** Starts the workflow; called once the subscription is in place, so no token is missed. */
  start(): Promise<WorkflowHandle>;
  respond(result: CompletionResult): unknown;
  /** How the events are written; our own named events (below) unless another wire format is asked for. */
  format?: StreamFormat;
}

/**
 * One wire format of a streamed completion: each method returns the raw SSE text to write
 * (nothing for an event the format has no word for). The relay logic — ordering, retries,
 * the tail grace, cancel on disconnect — stays in one place whatever the format.
 */
export interface StreamFormat {
  open(run: { id: string; model: string; requestedModel: string }): string;
  delta(text: string): string;
  /** A piece of a tool call (streams of requests with tools). */
  toolCallDelta(delta: ToolCallDelta): string;
  /** A new attempt replaces the text so far (`discard_text`: some of it was already sent). */
  replaced(event: 'retry' | 'fallback', fields: Record<string, unknown> & { discard_text: boolean }): string;
  result(body: unknown, result: CompletionResult): string;
  error(status: number, body: ErrorBody, error: ApiError): string;
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** Our own format: named events `run`, `delta`, `tool_call_delta`, `retry`, `fallback`, `completion`, `error`. */
export const somaStreamFormat: StreamFormat = {
  open: (run) => sse('run', { id: run.id, object: 'run', kind: 'completion', model: run.model, requested_model: run.requestedModel }),
  delta: (text) => sse('delta', { text }),
  toolCallDelta: (delta) => sse('tool_call_delta', { index: delta.index, ...(delta.id !== undefined && { id: delta.id }), ...(delta.name !== undefined && { name: delta.name }), arguments_delta: delta.argumentsDelta }),
  replaced: (event, fields) => sse(event, fields),
  result: (body) => sse('completion', body),
  error: (status, body) => sse('error', { status, ...body }),
};

interface AttemptState {
  model: string;
  fallbackDepth: number;
}

/**
 * Relays a streamed completion as Server-Sent Events:
 * `run` (the run id), `delta` (text), `retry` / `fallback` (a new attempt replaces the text so
 * far; the client is told, never handed spliced text), then `completion` (the workflow's
 * result, the source of truth, same body as a non-streamed response) or `error`.
 * A client that goes away cancels the run.
 */
export async function streamCompletion(options: StreamCompletionOptions): Promise<void> {
  const { req, res } = options;
  const pending: RunStreamEvent[] = [];
  let opened = false;
  let current: AttemptState | undefined;
  let failure: (AttemptState & { error: string }) | undefined;
  let textSent = false;
  let tailSeen = false;
  let onTail: (() => void) | undefined;

  const format = options.format ?? somaStreamFormat;
  const write = (text: string) => {
    if (text !== '' && !res.writableEnded) res.write(text);
  };

  const relay = (event: RunStreamEvent) => {
    switch (event.type) {
      case 'attempt': {
        let previous: (AttemptState & { error?: string }) | undefined = failure ?? current;
        // The first call is not the first candidate: those before it were passed over.
        if (!previous && event.fallbackDepth > 0) previous = { model: options.model, fallbackDepth: 0, error: options.passedOver?.includes(options.model) ? 'circuit_open' : 'skipped' };
        if (previous) {
          // A worker that died mid-call leaves no failure event: its attempt was interrupted.
          const error = failure?.error ?? previous.error ?? 'interrupted';
          const fields = { model: event.model, provider: event.provider, attempt: event.attempt, fallback_depth: event.fallbackDepth, error, discard_text: textSent };
          if (previous.fallbackDepth === event.fallbackDepth) write(format.replaced('retry', fields));
          else write(format.replaced('fallback', { from: previous.model, to: event.model, ...fields }));
        }
        current = { model: event.model, fallbackDepth: event.fallbackDepth };
        failure = undefined;
        textSent = false;
        tailSeen = false;
        break;
      }
      case 'delta':
        textSent = true;
        write(format.delta(event.text));
        break;
      case 'tool_call_delta':
        // Calls streamed so far belong to this attempt as its text does: a retry discards them.
        textSent = true;
        write(format.toolCallDelta(event.delta));
        break;
      case 'attempt_failed':
        failure = { model: event.model, fallbackDepth: event.fallbackDepth, error: event.error };
        current = undefined;
        break;
      case 'attempt_done':
        tailSeen = true;
        onTail?.();
        break;
    }
  };

  const subscription = await options.bus.subscribe(options.runId, (events) => {
    for (const event of events) {
      if (opened) relay(event);
      else pending.push(event);
    }
  });

  let handle: WorkflowHandle;
  try {
    handle = await options.start();
  } catch (err) {
    await subscription.close();
    throw err;
  }

  let finished = false;
  // The response's close (not the request's) is the one that means the client went away.
  res.on('close', () => {
    if (finished) return;
    finished = true;
    void handle.cancel().catch(() => undefined);
    void subscription.close();
  });

  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  req.socket.setNoDelay(true);
  write(format.open({ id: options.runId, model: options.model, requestedModel: options.requestedModel }));
  opened = true;
  for (const event of pending.splice(0)) relay(event);
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);

  try {
    const result = (await handle.result()) as CompletionResult;
    if (!tailSeen) await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, TAIL_GRACE_MS);
      onTail = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    write(format.result(options.respond(result), result));
  } catch (err) {
    if (!finished) {
      const apiError = err instanceof ApiError ? err : toApiError(err);
      const body: ErrorBody = {
        error: {
          type: apiError.type,
          code: apiError.code,
          message: apiError.message,
          request_id: req.requestId,
          ...(apiError.details !== undefined && { details: apiError.details }),
        },
      };
      write(format.error(apiError.status, body, apiError));
    }
  } finally {
    clearInterval(keepalive);
    if (!finished) {
      finished = true;
      await subscription.close();
      res.end();
    }
  }
}
