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
import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicAPIError,
  APIUserAbortError as AnthropicUserAbortError,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAIConnectionError,
  APIConnectionTimeoutError as OpenAITimeoutError,
  APIError as OpenAIAPIError,
  APIUserAbortError as OpenAIUserAbortError,
} from 'openai';
import type { ProviderId } from './provider.ts';
import { ProviderError, type ProviderErrorKind } from './provider-error.ts';
import { retryAfterMsFrom } from './retry-after.ts';

/** The parts of an HTTP error response that decide its kind, whichever SDK produced it. */
interface ApiFailure {
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

function apiFailureOf(error: unknown): ApiFailure | undefined {
  if (error instanceof OpenAIAPIError) {
    return { status: error.status, headers: error.headers, message: error.message, type: error.type ?? undefined, code: error.code ?? undefined };
  }
  if (error instanceof AnthropicAPIError) {
    return { status: error.status, headers: error.headers, message: error.message, type: error.type ?? undefined, code: error.errorCode ?? undefined };
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function classify(provider: ProviderId, error: unknown): ProviderError {
  // Order matters: timeout ⊂ connection ⊂ APIError in both SDK hierarchies.
  if (error instanceof OpenAITimeoutError || error instanceof AnthropicTimeoutError) {
    return new ProviderError(provider, 'timeout', `${provider}: request timed out`);
  }
  // Reached only when the abort did not come from the caller's signal (see toProviderFailure):
  // some other deadline cut the call, which is a timeout as far as the retry policy cares.
  if (
    error instanceof OpenAIUserAbortError ||
    error instanceof AnthropicUserAbortError ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
  ) {
    return new ProviderError(provider, 'timeout', `${provider}: request aborted: ${messageOf(error)}`);
  }
  if (error instanceof OpenAIConnectionError || error instanceof AnthropicConnectionError) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return new ProviderError(provider, 'connection', `${provider}: ${error.message}${cause}`);
  }
  const failure = apiFailureOf(error);
  if (failure) {
    const kind = failure.status === undefined ? kindForType(failure) : kindForStatus(failure.status, failure);
    return new ProviderError(provider, kind, `${provider}: ${failure.message}`, failure.status, retryAfterMsFrom(failure.headers));
  }
  // What the SDKs pass through unwrapped is the response body failing mid-read (undici's
  // "terminated" when the socket drops during a stream): a connection failure.
  return new ProviderError(provider, 'connection', `${provider}: ${messageOf(error)}`);
}

export function classifyProviderError(provider: ProviderId, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const classified = classify(provider, error);
  // Keeps the SDK error for debugging; it carries response headers, never our API key.
  classified.cause = error;
  return classified;
}

/** What an adapter throws when a call fails: the caller's own cancellation, or a ProviderError. */
export function toProviderFailure(provider: ProviderId, error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return classifyProviderError(provider, error);
}
