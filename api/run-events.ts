import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Payload = proto.temporal.api.common.v1.IPayload;

/** One history event as the API shows it: what happened and when, never inputs or results. */
export interface RunEvent {
  id: number;
  /** e.g. `activity_task_scheduled`, `workflow_execution_completed`. */
  type: string;
  time: string | null;
  /** The activity or timer the event is about, e.g. `callModel: gpt-4o-mini (fallback 1)`. */
  summary?: string;
  /** A failure's message, a retry's attempt, a signal's name. */
  details?: Record<string, unknown>;
}

const CLOSED = new Set([
  'workflow_execution_completed',
  'workflow_execution_failed',
  'workflow_execution_canceled',
  'workflow_execution_terminated',
  'workflow_execution_timed_out',
  'workflow_execution_continued_as_new',
]);

export const isClosingEvent = (event: RunEvent): boolean => CLOSED.has(event.type);

function typeName(type: number | null | undefined): string {
  const name = type == null ? undefined : temporal.api.enums.v1.EventType[type];
  return (name ?? 'EVENT_TYPE_UNSPECIFIED').replace(/^EVENT_TYPE_/, '').toLowerCase();
}

/** The Web UI's one-line summary of an activity or timer (a JSON string payload). */
function text(payload: Payload | null | undefined): string | undefined {
  if (!payload?.data) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function seconds(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!ts) return null;
  const ms = Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function failureOf(event: HistoryEvent) {
  return (
    event.activityTaskFailedEventAttributes?.failure ??
    event.workflowExecutionFailedEventAttributes?.failure ??
    event.workflowTaskFailedEventAttributes?.failure ??
    event.activityTaskTimedOutEventAttributes?.failure
  );
}

export function summarizeEvent(event: HistoryEvent): RunEvent {
  const out: RunEvent = { id: Number(event.eventId ?? 0), type: typeName(event.eventType), time: seconds(event.eventTime) };
  const details: Record<string, unknown> = {};
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) {
    const summary = text(event.userMetadata?.summary);
    out.summary = `${scheduled.activityType?.name ?? 'activity'}${summary ? `: ${summary}` : ''}`;
  }
  const failure = failureOf(event);
  if (failure?.message) details.message = failure.message;
  const failureType = failure?.applicationFailureInfo?.type;
  if (failureType) details.failure_type = failureType;
  const started = event.activityTaskStartedEventAttributes;
  if (started?.attempt) details.attempt = started.attempt;
  if (event.activityTaskFailedEventAttributes?.retryState) {
    details.retry_state = temporal.api.enums.v1.RetryState[event.activityTaskFailedEventAttributes.retryState]?.replace(/^RETRY_STATE_/, '').toLowerCase();
  }
  const signal = event.workflowExecutionSignaledEventAttributes;
  if (signal?.signalName) details.signal = signal.signalName;
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName) out.summary = marker.markerName === 'core_local_activity' ? 'local activity' : marker.markerName;
  const timer = event.timerStartedEventAttributes;
  if (timer) out.summary = text(event.userMetadata?.summary) ?? `timer ${timer.timerId ?? ''}`.trim();
  if (Object.keys(details).length > 0) out.details = details;
  return out;
}

export interface HistoryPage {
  events: RunEvent[];
  nextPageToken: Uint8Array | null;
}

/**
 * One page of a run's history. With `wait`, the server holds the call until new events
 * arrive (long poll), which is how `?follow=true` streams a running run.
 */
export async function historyPage(client: Client, namespace: string, workflowId: string, pageToken: Uint8Array | null, wait: boolean): Promise<HistoryPage> {
  const response = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId },
    maximumPageSize: 200,
    ...(pageToken && { nextPageToken: pageToken }),
    waitNewEvent: wait,
  });
  const token = response.nextPageToken && response.nextPageToken.length > 0 ? response.nextPageToken : null;
  const events = response.history?.events ?? [];
  await decodeForSummary(client, events);
  return { events: events.map(summarizeEvent), nextPageToken: token };
}

/**
 * Histories hold encrypted payloads (common/payload-codec/). Decrypted here, for the summary only:
 * the one-line summaries of activities and timers (model ids, timer names) and failure messages
 * (whose stack traces stay out). Inputs and results stay out of the events as before.
 */
async function decodeForSummary(client: Client, events: HistoryEvent[]): Promise<void> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  const codecs = [...payloadCodecs].reverse();
  const decode = async (payload: Payload): Promise<Payload | undefined> => {
    let payloads: Payload[] = [payload];
    try {
      for (const codec of codecs) payloads = await codec.decode(payloads);
    } catch {
      // A payload under a key this process does not know: the event goes without it.
      return undefined;
    }
    return payloads[0];
  };
  await Promise.all(
    events.map(async (event) => {
      const metadata = event.userMetadata;
      if (metadata?.summary) metadata.summary = (await decode(metadata.summary)) ?? null;
      const failure = failureOf(event);
      if (failure?.encodedAttributes) {
        const attributes = await decode(failure.encodedAttributes);
        let value: unknown;
        try {
          value = attributes ? payloadConverter.fromPayload(attributes) : undefined;
        } catch {
          value = undefined;
        }
        const message = value && typeof value === 'object' ? (value as { message?: unknown }).message : undefined;
        if (typeof message === 'string') failure.message = message;
      }
    }),
  );
}
