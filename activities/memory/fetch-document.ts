import { ApplicationFailure } from '@temporalio/activity';

const MAX_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/**
 * Fetches a document for ingestion: http(s) only, a size cap, a time limit. A 4xx is the
 * caller's mistake (not retried); a 5xx or a network error is retried by the activity's policy.
 */
export async function fetchDocument(url: string, signal: AbortSignal): Promise<{ content: string; mime: string | undefined }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ApplicationFailure.nonRetryable(`not a URL: ${url}`, 'invalid_url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw ApplicationFailure.nonRetryable(`only http and https URLs can be fetched: ${url}`, 'invalid_url');
  const response = await fetch(parsed, { signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]), redirect: 'follow' });
  if (response.status >= 400 && response.status < 500) throw ApplicationFailure.nonRetryable(`fetching ${url} answered ${response.status}`, 'fetch_refused');
  if (!response.ok) throw ApplicationFailure.retryable(`fetching ${url} answered ${response.status}`, 'fetch_failed');
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw ApplicationFailure.nonRetryable(`${url} is larger than ${MAX_BYTES} bytes`, 'document_too_large');
  const content = await response.text();
  if (content.length > MAX_BYTES) throw ApplicationFailure.nonRetryable(`${url} is larger than ${MAX_BYTES} bytes`, 'document_too_large');
  return { content, mime: response.headers.get('content-type') ?? undefined };
}
