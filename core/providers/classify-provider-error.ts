/**
 * Turns whatever an official SDK threw into a ProviderError whose `kind` drives the workflow's
 * retry policy: 429/5xx/timeouts/connection drops are retryable, 4xx (bad request, auth,
 * content policy, context length) are not.
 *
 * Cancellation is deliberately NOT a ProviderError. When the caller's AbortSignal fired (the
 * Temporal activity was cancelled, or its attempt timed out), the outcome belongs to the caller:
 * `toProviderFailure` rethrows `signal.reason` unchanged (a CancelledFailure inside an activity),
 * so Temporal records a cancellation instead of a "retryable connection error" that would
 * schedule another attempt nobody wants.
 */
import type { ProviderId } from './provider.ts';
import { ProviderError, type ProviderErrorKind } from './provider-error.ts';
import { retryAfterMsFrom } from './retry-after.ts';

/** The parts of an HTTP error response that decide its kind, whichever SDK produced it. */
export interface ApiFailure {
  /** Undefined for errors sent inside an SSE stream after a 200. */
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
  /** OpenAI `error.type` / Anthropic `error.type`. */
  type: string | undefined;
  /** OpenAI `error.code` / Anthropic `error.details.error_code`. */
  code: string | undefined;
}

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'exceed_context_size_error']);
const CONTEXT_LENGTH_TEXT = /context length|context window|context size|prompt is too long|too many tokens|maximum context/i;
const CONTENT_POLICY_CODES = new Set(['content_filter', 'content_policy_violation']);
const CONTENT_POLICY_TEXT = /content (management |filtering )?polic|content filter|safety system/i;

/** 400s are only non-retryable "bad requests" unless the body says which kind of bad. */
function refineBadRequest(failure: ApiFailure): ProviderErrorKind {
  const code = failure.code ?? failure.type ?? '';
  if (CONTEXT_LENGTH_CODES.has(code) || CONTEXT_LENGTH_TEXT.test(failure.message)) return 'context_length';
  if (CONTENT_POLICY_CODES.has(code) || CONTENT_POLICY_TEXT.test(failure.message)) return 'content_policy';
  return 'bad_request';
}

function kindForStatus(status: number, failure: ApiFailure): ProviderErrorKind {
  switch (status) {
    case 401:
      return 'authentication';
    // 402 (Anthropic billing) is an account problem: retrying cannot help, another provider can.
    case 402:
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    // 409 is a transient lock conflict; both SDKs retry it by default.
    case 409:
      return 'server_error';
    case 429:
      // OpenAI's "insufficient_quota" is a 429 that no amount of waiting fixes.
      return failure.code === 'insufficient_quota' ? 'permission' : 'rate_limited';
    case 503:
    case 529:
      return 'overloaded';
    case 504:
      return 'timeout';
  }
  if (status >= 500) return 'server_error';
  return refineBadRequest(failure);
}

/** Errors sent mid-stream have no status; their body type is all there is. */
function kindForType(failure: ApiFailure): ProviderErrorKind {
  switch (failure.type) {
    case 'overloaded_error':
      return 'overloaded';
    case 'rate_limit_error':
    case 'requests':
    case 'tokens':
      return 'rate_limited';
    case 'timeout_error':
      return 'timeout';
    case 'authentication_error':
      return 'authentication';
    case 'permission_error':
    case 'billing_error':
      return 'permission';
    case 'not_found_error':
      return 'not_found';
    case 'invalid_request_error':
      return refineBadRequest(failure);
    default:
      return 'server_error';
  }
}

/**
 * The error classes of one vendor SDK. The kind rules above are HTTP semantics every SDK shares;
 * which classes mean "timeout", "connection" or "HTTP answer" is each adapter's own to declare.
 */
type ErrorClass = abstract new (...args: never[]) => Error;
export interface SdkErrors {
  /** Checked first: a timeout is a connection error in both official SDKs' hierarchies. */
  timeout: ErrorClass;
  abort: ErrorClass;
  connection: ErrorClass;
  /** The SDK's HTTP error, read into the shared shape; undefined for anything else. */
  apiFailure(error: unknown): ApiFailure | undefined;
}

/** One adapter's classifier: its SDK's errors as a ProviderError, undefined for anything else. */
export type SdkErrorClassifier = (provider: ProviderId, error: unknown) => ProviderError | undefined;

export function sdkErrorClassifier(sdk: SdkErrors): SdkErrorClassifier {
  return (provider, error) => {
    if (error instanceof sdk.timeout) return new ProviderError(provider, 'timeout', `${provider}: request timed out`);
    // Reached only when the abort did not come from the caller's signal (see toProviderFailure):
    // some other deadline cut the call, which is a timeout as far as the retry policy cares.
    if (error instanceof sdk.abort) return new ProviderError(provider, 'timeout', `${provider}: request aborted: ${error.message}`);
    if (error instanceof sdk.connection) {
      const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
      return new ProviderError(provider, 'connection', `${provider}: ${error.message}${cause}`);
    }
    const failure = sdk.apiFailure(error);
    if (!failure) return undefined;
    const kind = failure.status === undefined ? kindForType(failure) : kindForStatus(failure.status, failure);
    return new ProviderError(provider, kind, `${provider}: ${failure.message}`, failure.status, retryAfterMsFrom(failure.headers));
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function classify(provider: ProviderId, error: unknown, sdk: SdkErrorClassifier | undefined): ProviderError {
  const own = sdk?.(provider, error);
  if (own) return own;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new ProviderError(provider, 'timeout', `${provider}: request aborted: ${messageOf(error)}`);
  }
  // What the SDKs pass through unwrapped is the response body failing mid-read (undici's
  // "terminated" when the socket drops during a stream): a connection failure.
  return new ProviderError(provider, 'connection', `${provider}: ${messageOf(error)}`);
}

export function classifyProviderError(provider: ProviderId, error: unknown, sdk?: SdkErrorClassifier): ProviderError {
  if (error instanceof ProviderError) return error;
  const classified = classify(provider, error, sdk);
  // Keeps the SDK error for debugging; it carries response headers, never our API key.
  classified.cause = error;
  return classified;
}

/** What an adapter throws when a call fails: the caller's own cancellation, or a ProviderError. */
export function toProviderFailure(provider: ProviderId, error: unknown, signal: AbortSignal | undefined, sdk?: SdkErrorClassifier): unknown {
  if (signal?.aborted) return signal.reason;
  return classifyProviderError(provider, error, sdk);
}
