/**
 * What went wrong in a Pinecone call, in terms a caller can act on. The SDK's own errors lose the
 * answer that caused them (its retry error keeps neither status nor body), so every HTTP attempt
 * is traced through the fetch the SDK is given, and a failure is translated from that trace into
 * VectorDimensionError or PineconeStoreError.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { VectorDimensionError } from './vector-store.ts';

/**
 * A Pinecone call that failed, with what a retry policy needs: the HTTP status when there was
 * one, and whether trying again can help (429, 5xx, a dropped connection).
 */
export class PineconeStoreError extends Error {
  override readonly name = 'PineconeStoreError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the last non-2xx answer of a call said: the SDK's retry error drops it. */
export interface CallTrace {
  attempts: number;
  lastFailure: { status: number; body: string; url: string } | undefined;
}

const DIMENSION_MESSAGE = /dimension (\d+) does not match the dimension of the index (\d+)/i;

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function bodyMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the body is the message
  }
  return body.slice(0, 500);
}

export interface PineconeCallTracer {
  /** The fetch to give the SDK: it records each attempt of the call running in `run`. */
  readonly fetch: typeof fetch;
  /** Runs one SDK call (all its retries) with `trace` as the place its attempts are recorded. */
  run<T>(trace: CallTrace, call: () => Promise<T>): Promise<T>;
}

export function createCallTracer(baseFetch: typeof fetch): PineconeCallTracer {
  const traces = new AsyncLocalStorage<CallTrace>();
  const tracingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    const trace = traces.getStore();
    if (trace) {
      trace.attempts += 1;
      if (!response.ok) trace.lastFailure = { status: response.status, body: await response.clone().text(), url: response.url || requestUrl(input) };
    }
    return response;
  };
  return { fetch: tracingFetch, run: (trace, call) => traces.run(trace, call) };
}

/** Turns what the SDK throws into VectorDimensionError or PineconeStoreError. */
export function translatePineconeError(error: unknown, operation: string, trace: CallTrace, model: string): Error {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const failure = trace.lastFailure;
  const status = failure?.status;
  const said = failure ? bodyMessage(failure.body) : message;
  const dimension = DIMENSION_MESSAGE.exec(said);
  if (dimension) return new VectorDimensionError(Number(dimension[2]), Number(dimension[1]), model);
  switch (name) {
    case 'PineconeBadRequestError':
      return new PineconeStoreError(`Pinecone refused the ${operation} (${status ?? 400}): ${said}`, status ?? 400, false, { cause: error });
    case 'PineconeAuthorizationError':
      return new PineconeStoreError(`Pinecone rejected the API key (401) on ${operation}; check PINECONE_API_KEY`, 401, false, { cause: error });
    case 'PineconeNotFoundError':
      return new PineconeStoreError(`Pinecone answered 404 to ${operation}: ${said}`, 404, false, { cause: error });
    case 'PineconeMaxRetriesExceededError':
      return new PineconeStoreError(
        `Pinecone failed the ${operation} on all ${trace.attempts} attempts${failure ? `, last with ${failure.status}: ${said}` : ''}`,
        status,
        true,
        { cause: error },
      );
    case 'PineconeConnectionError':
      return new PineconeStoreError(`could not reach Pinecone for ${operation}: ${message}`, undefined, true, { cause: error });
    default: {
      if (status !== undefined) {
        const retryable = status === 429 || status >= 500;
        return new PineconeStoreError(`Pinecone answered ${status} to ${operation}: ${said}`, status, retryable, { cause: error });
      }
      return error instanceof Error ? error : new Error(message);
    }
  }
}
