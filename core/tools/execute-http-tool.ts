/**
 * One HTTP tool call through the platform's outbound client, under the tool's own limits.
 *
 * SSRF: the outbound policy refuses private, loopback, link-local and metadata addresses, on every
 * hop and after DNS. A tool may reach such an address only when BOTH agree: the tool says
 * `allow_private_network: true` AND the operator allowed that host or range (OUTBOUND_ALLOW_HOSTS
 * / OUTBOUND_ALLOW_CIDRS). A tool without the flag gets a policy with the operator's allowances
 * removed, so a tenant cannot borrow the intranet access meant for document ingestion. Every hop,
 * redirects included, must also be one of the tool's `allowed_hosts` (default: the template's).
 *
 * Outcomes: 2xx → content; other 4xx and policy refusals → a permanent error the model may read;
 * 408, 429, 5xx, time-outs and connection failures → ToolRetryableError (the activity retries).
 */
import type { OutboundClient, OutboundResponse } from '../../platform/outbound/outbound-client.ts';
import { OutboundError } from '../../platform/outbound/outbound-error.ts';
import { parseAllowedHost, type AllowedHost, type OutboundPolicy } from '../../platform/outbound/outbound-policy.ts';
import { createOutboundClient } from '../../platform/outbound/outbound-client.ts';
import type { ToolError } from './tool-activity-contract.ts';
import { buildHttpToolRequest, templateOrigin } from './http-tool-request.ts';
import type { HttpTool } from './tool-spec.ts';

/** A failure the next attempt may not have: the activity throws it as a retryable failure. */
export class ToolRetryableError extends Error {
  override readonly name = 'ToolRetryableError';

  constructor(
    readonly code: 'tool_upstream_error' | 'tool_timeout',
    message: string,
  ) {
    super(message);
  }
}

export type HttpToolOutcome = { ok: true; content: string } | { ok: false; error: ToolError };

export interface HttpToolCall {
  http: HttpTool;
  timeoutMs: number;
  args: Record<string, unknown>;
  idempotencyKey: string;
  /** The auth secret's value, read by the caller just before the call. */
  secret?: string;
  signal?: AbortSignal;
}

/** The allowed-hosts entries of a tool: its own list, else the template's host and port. */
export function toolAllowedHosts(http: HttpTool): AllowedHost[] {
  const entries = http.allowed_hosts ?? [new URL(templateOrigin(http.url)).host];
  return entries.map((e) => parseAllowedHost(e)).filter((h): h is AllowedHost => h !== undefined);
}

function hostMatches(url: URL, allowed: readonly AllowedHost[]): boolean {
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return allowed.some((a) => (a.host === host || (a.subdomains && host.endsWith(`.${a.host}`))) && (a.port === undefined || a.port === port));
}

/** The platform policy narrowed to this tool (see the file comment). */
export function toolPolicy(base: OutboundPolicy, http: HttpTool, timeoutMs: number): OutboundPolicy {
  return {
    ...base,
    ...(!http.allow_private_network && { allowHosts: [], allowCidrs: [] }),
    connectTimeoutMs: Math.min(base.connectTimeoutMs, timeoutMs),
    readTimeoutMs: Math.min(base.readTimeoutMs, timeoutMs),
    totalTimeoutMs: timeoutMs,
    maxBytes: Math.min(base.maxBytes, http.max_response_bytes),
  };
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;
const ERROR_EXCERPT = 500;

function outcomeOf(response: OutboundResponse): HttpToolOutcome {
  const text = response.body.toString('utf8');
  if (response.status >= 200 && response.status < 300) return { ok: true, content: text };
  if (RETRYABLE_STATUS(response.status)) throw new ToolRetryableError('tool_upstream_error', `the tool's server answered ${response.status}`);
  return { ok: false, error: { code: `http_${response.status}`, message: `the tool's server answered ${response.status}: ${text.slice(0, ERROR_EXCERPT)}` } };
}

export async function executeHttpTool(outbound: OutboundClient, call: HttpToolCall): Promise<HttpToolOutcome> {
  const request = buildHttpToolRequest(call.http, call.args, { idempotencyKey: call.idempotencyKey, ...(call.secret !== undefined && { secret: call.secret }) });
  const allowed = toolAllowedHosts(call.http);
  const client = createOutboundClient(toolPolicy(outbound.policy, call.http, call.timeoutMs));
  try {
    const response = await client.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      ...(call.signal && { signal: call.signal }),
      checkTarget: (url) => {
        if (!hostMatches(url, allowed)) throw new OutboundError('outbound_blocked', `${url.host} is not one of this tool's allowed hosts`, false);
      },
    });
    return outcomeOf(response);
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    if (err.retryable) throw new ToolRetryableError(err.code === 'outbound_timeout' ? 'tool_timeout' : 'tool_upstream_error', err.message);
    if (err.code === 'outbound_too_large') return { ok: false, error: { code: 'response_too_large', message: err.message } };
    if (err.code === 'outbound_blocked') return { ok: false, error: { code: 'tool_refused', message: err.message } };
    return { ok: false, error: { code: 'tool_failed', message: err.message } };
  }
}
