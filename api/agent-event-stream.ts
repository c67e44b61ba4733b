import type { Request, Response } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import type { AgentEvent } from '../core/agents/agent-types.ts';
import type { RunStreamBus, RunStreamSubscription } from '../stores/run-streams/run-stream-bus.ts';
import { agentEventsQuery } from '../workflows/agent.ts';
import { snakeCaseKeys } from './schemas/snake-case-keys.ts';
import { toApiError } from './temporal-errors.ts';

/** Idle polls back off from the first to the last interval; a new event resets them. */
const POLL_MS = [25, 50, 100, 200, 400] as const;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** The run's closing event: `final` (completed, limits, cancelled) or `error` (failed). */
const isLast = (event: AgentEvent) => event.type === 'final' || event.type === 'error';

export function openEventStream(res: Response): (event: string, data: unknown) => void {
  res.status(200).setHeader('content-type', 'text/event-stream; charset=utf-8').setHeader('cache-control', 'no-cache').setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  return (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Relays an agent run's events as Server-Sent Events (`event: <type>`, data: the event) until
 * its closing event, then `end`. The events are the workflow's own record (its `events` query),
 * read after a sequence number, so a client that reconnects with `after` misses nothing, the
 * stream survives worker restarts and continueAsNew, and nothing is lost between the run's
 * start and the first read.
 */
export async function relayAgentEvents(
  req: Request,
  res: Response,
  handle: WorkflowHandle,
  afterSeq: number,
  options: { alreadyOpen?: (event: string, data: unknown) => void; bus?: RunStreamBus } = {},
): Promise<void> {
  const send = options.alreadyOpen ?? openEventStream(res);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let after = afterSeq;
  let idle = 0;
  let done = false;
  // A delta carries the sequence number of the event it follows (deltas are not stored, so not numbered).
  const text = options.bus ? textDeltas(options.bus, handle.workflowId, (step, chunk) => send('model_text_delta', { seq: after, type: 'model_text_delta', at: new Date().toISOString(), step, data: { text: chunk } })) : undefined;
  try {
    await text?.listen(0);
    while (!done && !abort.signal.aborted) {
      const events = await handle.query(agentEventsQuery, after);
      for (const event of events) {
        send(event.type, snakeCaseKeys(event));
        after = event.seq;
        done ||= isLast(event);
        // Listening to the next turn before it starts: its first tokens are not lost.
        if (event.type === 'step_started' && typeof event.step === 'number') await text?.listen(event.step + 1);
      }
      if (done) break;
      if (events.length > 0) idle = 0;
      else if (++idle % 20 === 0) {
        // A run that closed without a closing event (terminated, timed out) ends the stream too.
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') break;
      }
      await sleep(POLL_MS[Math.min(idle, POLL_MS.length - 1)]!, abort.signal);
    }
    if (!abort.signal.aborted) send('end', { id: handle.workflowId, last_seq: after });
  } catch (err) {
    if (abort.signal.aborted) return;
    const apiError = toApiError(err);
    send('error', { status: apiError.status, error: { type: apiError.type, code: apiError.code, message: apiError.message, request_id: req.requestId } });
  } finally {
    await text?.close();
  }
  res.end();
}

/**
 * A turn's tokens, from the run stream bus: the agent's completion child `<run>-step-<n>`
 * publishes them (when the run was started with `stream: true`). A courtesy on top of the
 * events, like a completion's stream: the step's text is in its events and state anyway.
 */
function textDeltas(bus: RunStreamBus, runId: string, send: (step: number, text: string) => void) {
  const subscriptions = new Map<number, Promise<RunStreamSubscription>>();
  return {
    async listen(step: number): Promise<void> {
      if (subscriptions.has(step)) return;
      const subscription = bus.subscribe(`${runId}-step-${step}`, (events) => {
        for (const event of events) if (event.type === 'delta') send(step, event.text);
      });
      subscriptions.set(step, subscription);
      await subscription;
      // Two turns back is finished: its channel can go.
      const old = subscriptions.get(step - 2);
      subscriptions.delete(step - 2);
      await (await old)?.close();
    },
    async close(): Promise<void> {
      await Promise.all([...subscriptions.values()].map(async (s) => (await s).close().catch(() => undefined)));
    },
  };
}
