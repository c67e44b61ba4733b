/**
 * When to retry and how long to wait. Connection errors, timeouts, 408, 409 (a request with the
 * same Idempotency-Key still running), 429 and 5xx are retried; a server's `x-should-retry`
 * header overrides that either way. (The API sends `x-should-retry: false` where a retry cannot
 * help: a provider failure the run already retried, unless the provider sent Retry-After, and a
 * 409 other than `idempotency_key_in_use`.) The wait is the server's Retry-After when it gave a
 * sane one, else exponential backoff with jitter.
 */

const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A longer Retry-After is not waited out inside one call: the backoff applies instead. */
const MAX_RETRY_AFTER_MS = 60_000;

export function shouldRetryStatus(status: number, headers: Headers): boolean {
  const explicit = headers.get('x-should-retry');
  if (explicit === 'true') return true;
  if (explicit === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How long the server asked us to wait: `retry-after-ms` (precise), else `retry-after` in seconds
 * or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const millis = headers.get('retry-after-ms');
  if (millis !== null && millis.trim() !== '') {
    const value = Number(millis);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (0 for the first retry): the server's Retry-After when it
 * is at most a minute, else 0.5 s × 2^retry capped at 8 s, less up to 25 % jitter so that many
 * clients failing together do not come back together.
 */
export function retryDelayMs(retry: number, headers?: Headers, random: () => number = Math.random): number {
  const asked = retryAfterMs(headers);
  if (asked !== undefined && asked <= MAX_RETRY_AFTER_MS) return asked;
  const backoff = Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_DELAY_MS);
  return backoff * (1 - 0.25 * random());
}
