import { ApplicationFailure } from '@temporalio/activity';
import { OutboundError } from '../../platform/outbound/outbound-error.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-client.ts';

/** A busy or briefly failing server may answer the next attempt; other 4xx will not change. */
const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * Fetches a document for ingestion through the outbound policy (no loopback, private or
 * link-local targets unless allow-listed; time limits; a size cap). A refusal, a 4xx or an
 * oversized document is the caller's mistake and is not retried; a 5xx, a time-out or a network
 * error is retried by the activity's policy.
 */
export async function fetchDocument(outbound: OutboundClient, url: string, signal: AbortSignal): Promise<{ content: string; mime: string | undefined }> {
  let response;
  try {
    response = await outbound.fetch(url, { signal, headers: { accept: 'text/html, text/markdown, text/plain;q=0.9, */*;q=0.5' } });
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    const type = err.code === 'outbound_too_large' ? 'document_too_large' : err.code;
    const message = `fetching ${url}: ${err.message}`;
    throw err.retryable ? ApplicationFailure.retryable(message, type) : ApplicationFailure.nonRetryable(message, type);
  }
  const { status } = response;
  if (status >= 500 || RETRYABLE_STATUS.has(status)) throw ApplicationFailure.retryable(`fetching ${url} answered ${status}`, 'fetch_failed');
  // Other 4xx, and a 3xx without a Location to follow.
  if (status < 200 || status >= 300) throw ApplicationFailure.nonRetryable(`fetching ${url} answered ${status}`, 'fetch_refused');
  const mime = response.headers['content-type'];
  return { content: decode(response.body, mime), mime };
}

/** The declared charset when the runtime knows it, else UTF-8 (what nearly every page is). */
function decode(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
