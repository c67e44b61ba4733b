import http from 'node:http';
import https from 'node:https';
import type { LookupAddress } from 'node:dns';
import type { Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { parseIp, sameIp } from './ip-address.ts';
import { blocked, OutboundError } from './outbound-error.ts';
import { checkUrl, resolveTarget, type OutboundPolicy, type ResolvedAddress } from './outbound-policy.ts';

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The caller's cancellation (an activity's), on top of the policy's time limits. */
  signal?: AbortSignal;
  /**
   * The caller's own rule for every hop, redirects included, run before the hop is resolved or
   * dialled (an HTTP tool's allowed hosts); throw an OutboundError to refuse.
   */
  checkTarget?: (url: URL) => void;
}

export interface OutboundResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decoded (gzip, deflate, br) and at most the policy's `maxBytes`. */
  body: Buffer;
  redirects: number;
}

/** The one way server-side code reaches a URL a user gave it. */
export interface OutboundClient {
  readonly policy: OutboundPolicy;
  fetch(url: string | URL, init?: OutboundRequest): Promise<OutboundResponse>;
}

export function createOutboundClient(policy: OutboundPolicy): OutboundClient {
  return { policy, fetch: (url, init = {}) => outboundFetch(url, init, policy) };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin never follow a redirect to another. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Checks the URL, resolves and checks every address, connects to the checked address only, and
 * follows redirects by hand so each hop goes through the same checks. Never hangs: connect, idle
 * read and total time limits; never buffers more than the cap.
 */
async function outboundFetch(input: string | URL, init: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const total = new AbortController();
  const timer = setTimeout(() => total.abort(new OutboundError('outbound_timeout', `no complete answer within ${policy.totalTimeoutMs} ms`, true)), policy.totalTimeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, total.signal]) : total.signal;
  let url: string | URL = input;
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  const headers: Record<string, string> = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  try {
    for (let redirects = 0; ; redirects++) {
      signal.throwIfAborted();
      const checked = checkUrl(url, policy);
      init.checkTarget?.(checked.url);
      const target = await untilAborted(resolveTarget(checked, policy), signal);
      const answer = await exchange(checked.url, target, { method, headers, body }, policy, signal);
      const location = answer.headers.location;
      if (!REDIRECTS.has(answer.status) || !location) {
        return { url: checked.url.href, status: answer.status, headers: answer.headers, body: await answer.read(), redirects };
      }
      answer.discard();
      if (redirects >= policy.maxRedirects) throw new OutboundError('outbound_too_many_redirects', `more than ${policy.maxRedirects} redirects from ${String(input)}`, false);
      let next: URL;
      try {
        next = new URL(location, checked.url);
      } catch {
        throw new OutboundError('outbound_invalid_url', `${checked.url.href} redirects to an invalid URL`, false);
      }
      // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      if (next.origin !== checked.url.origin) for (const h of ORIGIN_BOUND_HEADERS) delete headers[h];
      url = next;
    }
  } catch (err) {
    // An abort surfaces as a generic AbortError; the signal's reason says which limit (or the caller) it was.
    if (signal.aborted && !(err instanceof OutboundError && err.code !== 'outbound_failed')) throw signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  read(): Promise<Buffer>;
  discard(): void;
}

function decoderFor(encoding: string | undefined): Transform | undefined | 'unsupported' {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return 'unsupported';
  }
}

function networkError(err: unknown, url: URL): OutboundError {
  if (err instanceof OutboundError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  // A bad certificate stays bad on the next attempt.
  if (/CERT|TLS|SSL/.test(code)) return new OutboundError('outbound_tls_failed', `TLS with ${url.host} failed: ${message}`, false);
  return new OutboundError('outbound_failed', `fetching ${url.host} failed: ${code || message}`, true);
}

/** One request to the pinned address; resolves when the status line and headers arrive. */
function exchange(url: URL, target: ResolvedAddress, req: { method: string; headers: Record<string, string>; body: string | Uint8Array | undefined }, policy: OutboundPolicy, signal: AbortSignal): Promise<Answer> {
  const expected = parseIp(target.address)!;
  let failure: OutboundError | undefined;
  return new Promise<Answer>((resolve, reject) => {
    // The connection asks this instead of DNS: the name keeps its place in Host and SNI (so
    // virtual hosts and certificates work), but only the checked address is ever dialled.
    const pinned = (_host: string, options: { all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request({
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port !== '' ? Number(url.port) : undefined,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...req.headers },
      lookup: pinned as never,
      agent: false,
      signal,
    });
    const fail = (err: OutboundError) => {
      failure ??= err;
      request.destroy(err);
    };
    request.on('socket', (socket: Socket) => {
      const connectTimer = setTimeout(() => fail(new OutboundError('outbound_timeout', `${url.host} did not accept a connection within ${policy.connectTimeoutMs} ms`, true)), policy.connectTimeoutMs);
      socket.once('close', () => clearTimeout(connectTimer));
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        const peer = socket.remoteAddress === undefined ? undefined : parseIp(socket.remoteAddress);
        if (!peer || !sameIp(peer, expected)) fail(blocked('rebinding', `connected to ${socket.remoteAddress ?? 'nothing'}, not the checked ${target.address}`));
        socket.setTimeout(policy.readTimeoutMs, () => fail(new OutboundError('outbound_timeout', `${url.host} was silent for ${policy.readTimeoutMs} ms`, true)));
      });
    });
    // `on`, not `once`: an error after the answer began must never go unhandled (it would crash the process).
    request.on('error', (err) => reject(failure ?? networkError(err, url)));
    request.once('response', (res) => {
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        discard: () => request.destroy(),
        read: () =>
          new Promise<Buffer>((resolveBody, rejectBody) => {
            const tooLarge = () => new OutboundError('outbound_too_large', `${url.href} is larger than ${policy.maxBytes} bytes`, false);
            const onError = (err: unknown) => rejectBody(failure ?? networkError(err, url));
            request.on('error', onError);
            const stop = (err: OutboundError) => {
              fail(err);
              rejectBody(err);
            };
            if (Number(res.headers['content-length'] ?? 0) > policy.maxBytes) return stop(tooLarge());
            const decoder = decoderFor(res.headers['content-encoding']);
            if (decoder === 'unsupported') return stop(new OutboundError('outbound_failed', `${url.href} uses content-encoding ${res.headers['content-encoding']}`, false));
            const stream = decoder ? res.pipe(decoder) : res;
            const chunks: Buffer[] = [];
            let size = 0;
            let ended = false;
            stream.on('data', (chunk: Buffer) => {
              // Counted after decoding, so a small compressed bomb stops at the cap too.
              size += chunk.length;
              if (size <= policy.maxBytes) return void chunks.push(chunk);
              // The decoder may hold the whole (small) compressed input already: stop it too.
              if (decoder) decoder.destroy();
              stop(tooLarge());
            });
            stream.on('end', () => {
              ended = true;
              if (failure) rejectBody(failure);
              else resolveBody(Buffer.concat(chunks));
            });
            stream.on('error', (err) => {
              request.destroy();
              onError(err);
            });
            res.on('error', onError);
            res.on('close', () => {
              if (!ended && !res.complete) onError(new OutboundError('outbound_failed', `${url.host} closed the connection mid-answer`, true));
            });
            signal.addEventListener('abort', () => rejectBody(signal.reason), { once: true });
          }),
      });
    });
    request.end(req.body);
  });
}
