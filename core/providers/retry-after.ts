/**
 * How long the provider asked us to wait. `retry-after-ms` (OpenAI, Anthropic) is the precise
 * form; `retry-after` is either seconds or an HTTP date (RFC 9110). Garbage yields undefined
 * so the workflow falls back to its own backoff instead of trusting a nonsense value.
 */
export function retryAfterMsFrom(headers: Headers | null | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;

  const millis = headers.get('retry-after-ms');
  if (millis !== null && millis.trim() !== '') {
    const value = Number(millis);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }

  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
