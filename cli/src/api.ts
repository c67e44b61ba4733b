/**
 * The CLI's way to the API: the TypeScript SDK (sdk/typescript, imported from source so the
 * CLI runs without a build), configured from the chosen profile. The one thing the SDK has no
 * method for — following a run's event stream — is a fetch here, read with the SDK's own SSE
 * decoder and error types.
 */
import { APIConnectionError, APIError, APIUserAbortError, readServerSentEvents, SomaAgent } from '@somaagent/sdk';
import type { Credentials } from './credentials.ts';
import { USER_AGENT } from './version.ts';

export { APIConnectionError, APIError, APIUserAbortError, SomaAgent } from '@somaagent/sdk';

/** The address of the last client made, so a connection error can name what it could not reach. */
let lastBaseURL: string | undefined;

export function createClient(credentials: Pick<Credentials, 'apiKey' | 'baseURL'>): SomaAgent {
  lastBaseURL = credentials.baseURL;
  return new SomaAgent({
    apiKey: credentials.apiKey,
    baseURL: credentials.baseURL,
    defaultHeaders: { 'user-agent': USER_AGENT },
  });
}

/** `cannot reach http://…: connect ECONNREFUSED …` rather than the SDK's bare "Connection error". */
export function connectionMessage(err: InstanceType<typeof APIConnectionError>): string {
  const reason = err.message.replace(/^Connection error:?\s*/, '') || 'no answer';
  return lastBaseURL ? `cannot reach ${lastBaseURL}: ${reason}` : err.message;
}

/**
 * For calls whose 409 is an answer, not a transient state (a finished run, a published
 * version): the SDK would otherwise retry 409s, which it does for in-flight idempotency keys.
 */
export const NO_RETRY = { maxRetries: 0 } as const;

/** The API has no such route at all (an older server), as opposed to a missing resource. */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof APIError && err.status === 404 && err.code === 'route_not_found';
}

/** A missing resource (404 other than a missing route). */
export function isNotFound(err: unknown): boolean {
  return err instanceof APIError && err.status === 404 && err.code !== 'route_not_found';
}

export interface StreamedEvent {
  event: string;
  data: unknown;
}

/** GETs a Server-Sent Event stream; an `error` event is thrown as the SDK's APIError. */
export async function* followEvents(credentials: Pick<Credentials, 'apiKey' | 'baseURL'>, path: string, signal?: AbortSignal): AsyncGenerator<StreamedEvent> {
  let response: Response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ''), `${credentials.baseURL}/`), {
      headers: { authorization: `Bearer ${credentials.apiKey}`, accept: 'text/event-stream', 'user-agent': USER_AGENT },
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw new APIUserAbortError();
    const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new APIConnectionError(`Connection error: ${reason}`, { cause: err });
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the message
    }
    throw APIError.from(response.status, body, response.headers);
  }
  for await (const message of readServerSentEvents(response.body)) {
    let data: unknown = message.data;
    try {
      data = JSON.parse(message.data);
    } catch {
      // keep the text
    }
    if (message.event === 'error') {
      const failure = data as { status?: number; error?: unknown };
      throw APIError.from(failure.status ?? 500, { error: failure.error }, response.headers);
    }
    yield { event: message.event, data };
  }
}
