import { lookup as dnsLookup } from 'node:dns/promises';
import type { Env } from '../config.ts';
import { addressBlockReason } from './address-classification.ts';
import { embeddedIpv4, inCidr, parseCidr, parseIp, type Cidr, type IpAddress } from './ip-address.ts';
import { blocked, OutboundError } from './outbound-error.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name → every address it has. Injected so tests can play a hostile DNS server. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** An operator's opt-in: this host (and port, when given; and its subdomains for `*.`) may be fetched whatever it resolves to. */
export interface AllowedHost {
  host: string;
  port?: number;
  subdomains: boolean;
}

/**
 * What the server may fetch and how long and how much it may take. One policy serves every
 * server-side request (URL ingestion today; HTTP tools and webhooks later).
 */
export interface OutboundPolicy {
  allowHosts: readonly AllowedHost[];
  /** Addresses allowed even though they are private, loopback, ... (an intranet range). */
  allowCidrs: readonly Cidr[];
  connectTimeoutMs: number;
  /** Longest silence while waiting for the answer or between two chunks of it. */
  readTimeoutMs: number;
  /** The whole exchange, redirects included. */
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  lookup: HostResolver;
}

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export const OUTBOUND_DEFAULTS = {
  connectTimeoutMs: 5_000,
  readTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
} as const;

/** A policy with nothing allowed beyond the public internet; `overrides` for what differs. */
export function outboundPolicy(overrides: Partial<OutboundPolicy> = {}): OutboundPolicy {
  return { allowHosts: [], allowCidrs: [], ...OUTBOUND_DEFAULTS, lookup: systemResolver, ...overrides };
}

/** The policy the environment configures (OUTBOUND_* variables); `overrides` for tests (a resolver). */
export function outboundPolicyFrom(env: Env, overrides: Partial<OutboundPolicy> = {}): OutboundPolicy {
  return outboundPolicy({
    allowHosts: env.OUTBOUND_ALLOW_HOSTS,
    allowCidrs: env.OUTBOUND_ALLOW_CIDRS,
    connectTimeoutMs: env.OUTBOUND_CONNECT_TIMEOUT_MS,
    readTimeoutMs: env.OUTBOUND_READ_TIMEOUT_MS,
    totalTimeoutMs: env.OUTBOUND_TOTAL_TIMEOUT_MS,
    maxBytes: env.OUTBOUND_MAX_BYTES,
    maxRedirects: env.OUTBOUND_MAX_REDIRECTS,
    ...overrides,
  });
}

/**
 * `wiki.corp`, `wiki.corp:8443`, `*.corp`, `127.0.0.1:8099`, `[::1]:80`. Read through the URL
 * parser, so the entry is normalised exactly as the URLs it is compared with.
 */
export function parseAllowedHost(entry: string): AllowedHost | undefined {
  let text = entry.trim().toLowerCase();
  const subdomains = text.startsWith('*.');
  if (subdomains) text = text.slice(2);
  if (text === '' || /[/?#@\s]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${text}`);
  } catch {
    return undefined;
  }
  // The parser drops a default port; an entry that names it still means that port only.
  const port = url.port !== '' ? Number(url.port) : /:0*80$/.test(text) ? 80 : undefined;
  return { host: withoutTrailingDot(url.hostname), ...(port !== undefined && { port }), subdomains };
}

const withoutTrailingDot = (host: string) => (host.endsWith('.') ? host.slice(0, -1) : host);

const portOf = (url: URL) => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

function hostAllowed(url: URL, policy: OutboundPolicy): boolean {
  const host = withoutTrailingDot(url.hostname);
  const port = portOf(url);
  return policy.allowHosts.some((a) => (a.host === host || (a.subdomains && host.endsWith(`.${a.host}`))) && (a.port === undefined || a.port === port));
}

function cidrAllowed(ip: IpAddress, policy: OutboundPolicy): boolean {
  const mapped = ip.family === 6 && inCidr(ip, V4_MAPPED) ? embeddedIpv4(ip) : undefined;
  return policy.allowCidrs.some((c) => inCidr(ip, c) || (mapped !== undefined && inCidr(mapped, c)));
}

const V4_MAPPED = parseCidr('::ffff:0:0/96')!;
const LOOPBACK = parseIp('127.0.0.1')!;

/** The target as checked so far: the parsed URL, and whether an allow-list entry names its host. */
export interface CheckedUrl {
  url: URL;
  hostAllowed: boolean;
  /** The host when it is an address literal (then no DNS is asked). */
  literal?: IpAddress;
}

/**
 * Everything that can be decided without DNS: the scheme, and a host that is an address literal
 * (in any form the URL parser accepts: `2130706433`, `0177.0.0.1`, `0x7f.1`, `[::ffff:7f00:1]`
 * all arrive here as canonical addresses) or `localhost`. Cheap enough for the API to run on
 * every submitted URL; the resolved check in {@link resolveTarget} is the real guard.
 */
export function checkUrl(input: string | URL, policy: OutboundPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new OutboundError('outbound_invalid_url', `not a URL: ${String(input)}`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw blocked('scheme', `only http and https URLs can be fetched, not ${url.protocol}`);
  // A user name or password in the URL would be kept wherever the URL is (the document's source,
  // the run's history): credentials for a fetch belong in a secret store, never in the address.
  if (url.username !== '' || url.password !== '') throw blocked('credentials', `URLs with a user name or password cannot be fetched (${url.host})`);
  const allowed = hostAllowed(url, policy);
  const literal = parseIp(url.hostname);
  if (!allowed) {
    if (literal) {
      const reason = addressBlockReason(literal);
      if (reason && !cidrAllowed(literal, policy)) throw blocked(reason, `${url.host} may not be fetched`);
    } else {
      const host = withoutTrailingDot(url.hostname);
      if ((host === 'localhost' || host.endsWith('.localhost')) && !cidrAllowed(LOOPBACK, policy)) throw blocked('localhost', `${url.host} may not be fetched`);
    }
  }
  return { url, hostAllowed: allowed, ...(literal && { literal }) };
}

const TRANSIENT_DNS = new Set(['EAI_AGAIN', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED']);

/**
 * The address to connect to: every address the name resolves to must pass (one private answer
 * among public ones refuses the lot, or a retry could land on it), and the connection is then
 * pinned to the first, so a second DNS answer cannot differ from the checked one.
 */
export async function resolveTarget(checked: CheckedUrl, policy: OutboundPolicy): Promise<ResolvedAddress> {
  if (checked.literal) return { address: checked.url.hostname.replace(/^\[|\]$/g, ''), family: checked.literal.family };
  const host = checked.url.hostname;
  let answers: ResolvedAddress[];
  try {
    answers = await policy.lookup(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new OutboundError('outbound_dns_failed', `${host} could not be resolved (${code || (err instanceof Error ? err.message : String(err))})`, TRANSIENT_DNS.has(code));
  }
  if (answers.length === 0) throw new OutboundError('outbound_dns_failed', `${host} has no address`, false);
  for (const answer of answers) {
    const ip = parseIp(answer.address);
    if (!ip) throw blocked('reserved', `${host} resolves to ${answer.address}, not an address`);
    if (checked.hostAllowed || cidrAllowed(ip, policy)) continue;
    const reason = addressBlockReason(ip);
    if (reason) throw blocked(reason, `${host} resolves to ${answer.address}, which may not be fetched`);
  }
  return answers[0]!;
}
