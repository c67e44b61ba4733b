import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as tcpConnect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument } from '../core/memory/fetch-document.ts';
import { ConfigError, loadEnv } from '../platform/config.ts';
import { addressBlockReason } from '../platform/outbound/address-classification.ts';
import { parseIp } from '../platform/outbound/ip-address.ts';
import { createOutboundClient } from '../platform/outbound/outbound-client.ts';
import { OutboundError } from '../platform/outbound/outbound-error.ts';
import { checkUrl, outboundPolicy, outboundPolicyFrom, parseAllowedHost, type HostResolver, type OutboundPolicy } from '../platform/outbound/outbound-policy.ts';
import { parseCidr } from '../platform/outbound/ip-address.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/** A real HTTP server on loopback that records who reached it. */
interface Local {
  port: number;
  url: string;
  hits: Array<{ path: string; host: string | undefined }>;
  close(): Promise<void>;
}

const servers: Array<{ close(): Promise<void> }> = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1', port = 0): Promise<Local> {
  const hits: Local['hits'] = [];
  const server = createHttpServer((req, res) => {
    hits.push({ path: req.url ?? '', host: req.headers.host });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  const bound = (server.address() as AddressInfo).port;
  const local: Local = {
    port: bound,
    url: `http://${host}:${bound}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(local);
  return local;
}

/** Accepts connections and then says nothing, like Postgres asked for HTTP (the 4-minute hang). */
async function silentServer(): Promise<{ port: number }> {
  const sockets: Socket[] = [];
  const server: TcpServer = createTcpServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return { port: (server.address() as AddressInfo).port };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const secretHandler = (_req: IncomingMessage, res: ServerResponse) => {
  res.setHeader('content-type', 'text/plain');
  res.end('tenant A secret: zebra-quartz-42');
};

/** Tests never ask real DNS (the sandbox has none): an unexpected name is a test bug. */
const resolverOf = (names: Record<string, string[]>): HostResolver & { calls: string[] } => {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolver, { calls });
};

const policyWith = (overrides: Partial<OutboundPolicy> = {}) => outboundPolicy({ lookup: resolverOf({}), connectTimeoutMs: 2000, readTimeoutMs: 2000, totalTimeoutMs: 5000, ...overrides });

async function refusal(work: Promise<unknown>): Promise<OutboundError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the fetch should have been refused').toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

describe('outbound policy: every spelling of a forbidden address is refused before connecting', () => {
  const forms: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['localhost', 'localhost'],
    ['LocalHost.', 'localhost'],
    ['app.localhost', 'localhost'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['127.1', 'loopback'],
    ['127.0.0.1.', 'loopback'],
    ['017700000001', 'loopback'],
    ['%31%32%37.0.0.1', 'loopback'],
    ['\uff11\uff12\uff17.0.0.1', 'loopback'],
    ['0', 'unspecified'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['[::127.0.0.1]', 'loopback'],
    ['[64:ff9b::169.254.169.254]', 'link_local'],
    ['[2002:7f00:1::]', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['[fe80::1]', 'link_local'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['[fc00::1]', 'unique_local'],
    ['[fd12:3456::1]', 'unique_local'],
    ['224.0.0.1', 'multicast'],
    ['[ff02::1]', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmark'],
    ['240.0.0.1', 'reserved'],
  ];

  it.each(forms)('http://%s refused (%s), and nothing reaches the loopback server', async (host, reason) => {
    const secret = await serve(secretHandler);
    const client = createOutboundClient(policyWith());
    const err = await refusal(client.fetch(`http://${host}:${secret.port}/api/v1/namespaces/default/workflows`));
    expect(err).toMatchObject({ code: 'outbound_blocked', reason, retryable: false });
    expect(secret.hits).toEqual([]);
  });

  it('allows public addresses, v4 and v6 (classification only: the sandbox has no network)', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(addressBlockReason(parseIp(address)!), address).toBeUndefined();
    }
    for (const url of ['http://93.184.216.34/', 'https://[2606:4700:4700::1111]/', 'https://docs.example.com/page']) {
      expect(checkUrl(url, policyWith()).url.href).toBe(new URL(url).href);
    }
  });

  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/', 'data:text/plain,hi', 'javascript:alert(1)'])('refuses the scheme of %s', (url) => {
    expect(() => checkUrl(url, policyWith())).toThrow(expect.objectContaining({ code: 'outbound_blocked', reason: 'scheme' }));
  });

  it.each(['https://user:secret@example.com/doc', 'https://token@example.com/doc', 'http://:pw@example.com/'])('refuses credentials in the URL (%s): they would be stored with the document', (url) => {
    expect(() => checkUrl(url, policyWith())).toThrow(expect.objectContaining({ code: 'outbound_blocked', reason: 'credentials' }));
  });
});

describe('outbound policy: DNS answers', () => {
  it('refuses a public-looking name that resolves to a private address', async () => {
    const secret = await serve(secretHandler);
    const lookup = resolverOf({ 'intranet.example.com': ['10.1.2.3'], 'meta.example.com': ['::ffff:169.254.169.254'], 'loop.example.com': ['127.0.0.1'] });
    const client = createOutboundClient(policyWith({ lookup }));
    expect(await refusal(client.fetch('http://intranet.example.com/'))).toMatchObject({ code: 'outbound_blocked', reason: 'private' });
    expect(await refusal(client.fetch('http://meta.example.com/latest/meta-data/'))).toMatchObject({ code: 'outbound_blocked', reason: 'link_local' });
    const loop = await refusal(client.fetch(`http://loop.example.com:${secret.port}/`));
    expect(loop).toMatchObject({ code: 'outbound_blocked', reason: 'loopback' });
    expect(loop.message).toContain('127.0.0.1');
    expect(secret.hits).toEqual([]);
  });

  it('checks every address a name resolves to, not only the first', async () => {
    const client = createOutboundClient(policyWith({ lookup: resolverOf({ 'mixed.example.com': ['93.184.216.34', '2606:4700::1', '127.0.0.1'] }) }));
    expect(await refusal(client.fetch('http://mixed.example.com/'))).toMatchObject({ code: 'outbound_blocked', reason: 'loopback' });
  });

  it('a name that does not resolve fails without retrying', async () => {
    const err = await refusal(createOutboundClient(policyWith()).fetch('http://nowhere.example.com/'));
    expect(err).toMatchObject({ code: 'outbound_dns_failed', retryable: false });
  });

  it('an allow-listed host (and port) is fetched whatever it resolves to; Host keeps the name', async () => {
    const wiki = await serve((_req, res) => res.end('intranet wiki page'));
    const lookup = resolverOf({ 'wiki.corp': ['127.0.0.1'] });
    const allowed = createOutboundClient(policyWith({ lookup, allowHosts: [parseAllowedHost(`wiki.corp:${wiki.port}`)!] }));
    const answer = await allowed.fetch(`http://wiki.corp:${wiki.port}/page`);
    expect(answer.body.toString()).toBe('intranet wiki page');
    expect(wiki.hits).toEqual([{ path: '/page', host: `wiki.corp:${wiki.port}` }]);
    // Another port of the same host is not in the entry.
    const otherPort = createOutboundClient(policyWith({ lookup, allowHosts: [parseAllowedHost('wiki.corp:1')!] }));
    expect(await refusal(otherPort.fetch(`http://wiki.corp:${wiki.port}/page`))).toMatchObject({ code: 'outbound_blocked', reason: 'loopback' });
    // A CIDR entry allows the addresses instead of the name.
    const byRange = createOutboundClient(policyWith({ lookup, allowCidrs: [parseCidr('127.0.0.0/30')!] }));
    expect((await byRange.fetch(`http://wiki.corp:${wiki.port}/page`)).status).toBe(200);
  });

  it('pins the connection to the checked address: a rebinding resolver cannot move it', async () => {
    // The checked answer is 127.0.0.2 (allowed); every later answer is 127.0.0.1, where the
    // secret listens on the same port. Without pinning, the connection's own lookup would land there.
    const good = await serve((_req, res) => res.end('public page'), '127.0.0.2');
    const secret = await serve(secretHandler, '127.0.0.1', good.port);
    const calls: string[] = [];
    const rebinding: HostResolver = async (hostname) => {
      calls.push(hostname);
      return [{ address: calls.length === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    };
    const client = createOutboundClient(policyWith({ lookup: rebinding, allowCidrs: [parseCidr('127.0.0.2/32')!] }));
    const answer = await client.fetch(`http://rebind.example.com:${good.port}/`);
    expect(answer.body.toString()).toBe('public page');
    expect(calls).toEqual(['rebind.example.com']);
    expect(secret.hits).toEqual([]);
    // The next request resolves again, gets the private answer, and is refused.
    expect(await refusal(client.fetch(`http://rebind.example.com:${good.port}/`))).toMatchObject({ code: 'outbound_blocked', reason: 'loopback' });
    expect(secret.hits).toEqual([]);
  });
});

describe('outbound policy: redirects', () => {
  it('re-checks every hop: an allowed server redirecting to loopback is refused', async () => {
    const secret = await serve(secretHandler);
    const targets = [`http://127.0.0.1:${secret.port}/secret`, `http://2130706433:${secret.port}/`, `http://[::ffff:127.0.0.1]:${secret.port}/`, 'http://169.254.169.254/latest/meta-data/'];
    const outside = await serve((req, res) => {
      res.writeHead(302, { location: targets[Number(req.url!.slice(1))]! });
      res.end();
    });
    const client = createOutboundClient(policyWith({ allowHosts: [parseAllowedHost(`127.0.0.1:${outside.port}`)!] }));
    for (const [i] of targets.entries()) {
      const err = await refusal(client.fetch(`${outside.url}/${i}`));
      expect(err.code).toBe('outbound_blocked');
    }
    expect(outside.hits.length).toBe(targets.length);
    expect(secret.hits).toEqual([]);
  });

  it('a redirect by name to loopback is refused through DNS too', async () => {
    const secret = await serve(secretHandler);
    const outside = await serve((_req, res) => {
      res.writeHead(301, { location: `http://evil.example.com:${secret.port}/` });
      res.end();
    });
    const lookup = resolverOf({ 'public.example.com': ['127.0.0.1'], 'evil.example.com': ['127.0.0.1'] });
    const client = createOutboundClient(policyWith({ lookup, allowHosts: [parseAllowedHost(`public.example.com:${outside.port}`)!] }));
    expect(await refusal(client.fetch(`http://public.example.com:${outside.port}/`))).toMatchObject({ code: 'outbound_blocked', reason: 'loopback' });
    expect(secret.hits).toEqual([]);
  });

  it('refuses a redirect to another scheme, follows allowed ones, and stops at the limit', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/file') res.writeHead(302, { location: 'file:///etc/passwd' });
      else if (req.url === '/moved') res.writeHead(308, { location: '/final' });
      else if (req.url === '/loop') res.writeHead(302, { location: '/loop' });
      else res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(req.url === '/final' ? 'arrived' : '');
    });
    const client = createOutboundClient(policyWith({ maxRedirects: 3, allowHosts: [parseAllowedHost(`127.0.0.1:${site.port}`)!] }));
    expect(await refusal(client.fetch(`${site.url}/file`))).toMatchObject({ code: 'outbound_blocked', reason: 'scheme' });
    const moved = await client.fetch(`${site.url}/moved`);
    expect(moved).toMatchObject({ status: 200, redirects: 1, url: `${site.url}/final` });
    expect(moved.body.toString()).toBe('arrived');
    const hitsBefore = site.hits.length;
    expect(await refusal(client.fetch(`${site.url}/loop`))).toMatchObject({ code: 'outbound_too_many_redirects', retryable: false });
    expect(site.hits.length - hitsBefore).toBe(4);
  });
});

describe('outbound policy: no hang, no unbounded body', () => {
  it('a server that accepts and never answers is cut off by the read time-out (retryable)', async () => {
    const { port } = await silentServer();
    const client = createOutboundClient(policyWith({ readTimeoutMs: 300, allowCidrs: [parseCidr('127.0.0.1')!] }));
    const started = Date.now();
    const err = await refusal(client.fetch(`http://127.0.0.1:${port}/`));
    expect(err).toMatchObject({ code: 'outbound_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a port whose accept queue is full (the connection never completes) is cut off by the connect time-out', async () => {
    // Node always accepts, so a Python listener that never does: with a backlog of 0 and the
    // queue filled, the kernel drops further SYNs and a connect waits until someone gives up.
    const listener = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: Socket[] = [];
    try {
      const [line] = (await once(listener.stdout!, 'data')) as [Buffer];
      const port = Number(line.toString().trim());
      for (let i = 0; i < 4; i++) fillers.push(tcpConnect(port, '127.0.0.1').on('error', () => undefined));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const client = createOutboundClient(policyWith({ connectTimeoutMs: 300, allowCidrs: [parseCidr('127.0.0.1')!] }));
      const started = Date.now();
      const err = await refusal(client.fetch(`http://127.0.0.1:${port}/`));
      expect(err).toMatchObject({ code: 'outbound_timeout', retryable: true });
      expect(err.message).toContain('did not accept a connection');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const f of fillers) f.destroy();
      listener.kill();
    }
  });

  it('a server that trickles forever is cut off by the total time-out', async () => {
    const drip = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const client = createOutboundClient(policyWith({ readTimeoutMs: 1000, totalTimeoutMs: 700, allowCidrs: [parseCidr('127.0.0.1')!] }));
    const started = Date.now();
    const err = await refusal(client.fetch(drip.url));
    expect(err).toMatchObject({ code: 'outbound_timeout', retryable: true });
    expect(err.message).toContain('700 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('the caller can cancel (an activity being cancelled)', async () => {
    const { port } = await silentServer();
    const client = createOutboundClient(policyWith({ allowCidrs: [parseCidr('127.0.0.1')!] }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the caller')), 200);
    await expect(client.fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal })).rejects.toThrow('cancelled by the caller');
  });

  it('stops reading at the size cap, whatever content-length says or leaves out, and after decompression', async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024));
    const big = await serve((req, res) => {
      if (req.url === '/chunked') {
        // No content-length: streamed until the client gives up.
        res.writeHead(200, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(16 * 1024, 'a');
        const pump = () => {
          while (res.write(block));
          res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      } else if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
        res.write('a');
      } else if (req.url === '/bomb') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
        res.end(bomb);
      } else {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync('small and compressed'));
      }
    });
    const client = createOutboundClient(policyWith({ maxBytes: 64 * 1024, allowCidrs: [parseCidr('127.0.0.1')!] }));
    for (const path of ['/chunked', '/declared', '/bomb']) {
      expect(await refusal(client.fetch(`${big.url}${path}`)), path).toMatchObject({ code: 'outbound_too_large', retryable: false });
    }
    expect((await client.fetch(`${big.url}/small`)).body.toString()).toBe('small and compressed');
  });
});

describe('outbound policy: configuration and the ingestion fetch', () => {
  it('reads the allow-lists from the environment and refuses malformed entries', () => {
    const env = loadEnv({ OUTBOUND_ALLOW_HOSTS: 'wiki.corp, *.intra.example.com ,127.0.0.1:8099,[::1]:80', OUTBOUND_ALLOW_CIDRS: '10.20.0.0/16, fd00::/8', OUTBOUND_MAX_BYTES: '2048' });
    expect(env.OUTBOUND_ALLOW_HOSTS).toEqual([
      { host: 'wiki.corp', subdomains: false },
      { host: 'intra.example.com', subdomains: true },
      { host: '127.0.0.1', port: 8099, subdomains: false },
      { host: '[::1]', port: 80, subdomains: false },
    ]);
    const policy = outboundPolicyFrom(env);
    expect(policy.maxBytes).toBe(2048);
    expect(checkUrl('http://docs.intra.example.com/x', policy).hostAllowed).toBe(true);
    expect(checkUrl('http://10.20.3.4/x', policy).hostAllowed).toBe(false); // allowed by range, not by name
    expect(() => checkUrl('http://10.21.0.1/', policy)).toThrow(OutboundError);
    expect(() => checkUrl('http://127.0.0.1:8098/', policy)).toThrow(OutboundError);
    expect(loadEnv({}).OUTBOUND_ALLOW_HOSTS).toEqual([]);
    expect(() => loadEnv({ OUTBOUND_ALLOW_CIDRS: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadEnv({ OUTBOUND_ALLOW_HOSTS: 'http://wiki.corp/path' })).toThrow(ConfigError);
  });

  it('fetchDocument turns refusals into non-retryable activity failures and time-outs into retryable ones', async () => {
    const { port } = await silentServer();
    const client = createOutboundClient(policyWith({ readTimeoutMs: 200, allowHosts: [parseAllowedHost(`127.0.0.1:${port}`)!] }));
    const signal = new AbortController().signal;
    const blockedFailure = await fetchDocument(client, 'http://2130706433/', signal).catch((e: unknown) => e);
    expect(blockedFailure).toBeInstanceOf(ApplicationFailure);
    expect(blockedFailure).toMatchObject({ type: 'outbound_blocked', nonRetryable: true });
    const timedOut = await fetchDocument(client, `http://127.0.0.1:${port}/`, signal).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ type: 'outbound_timeout', nonRetryable: false });
  });
});

describe('URL ingestion through the API (end to end)', () => {
  let p: TestPlatform;
  let t: { tenantId: string; key: string };
  let secret: Local;
  let wiki: Local;
  // Kept out of the per-test server cleanup: these live as long as the platform.
  const owned: Local[] = [];

  beforeAll(async () => {
    secret = await serve(secretHandler);
    wiki = await serve((req, res) => {
      if (req.url === '/to-loopback') {
        res.writeHead(302, { location: `http://127.0.0.1:${secret.port}/api/v1/namespaces/default/workflows` });
        res.end();
        return;
      }
      res.setHeader('content-type', 'text/markdown');
      res.end('# Onboarding\n\nThe intranet wiki explains how new staff request a laptop.');
    });
    owned.push(...servers.splice(0) as Local[]);
    // The platform's own tests must opt in to their local server, exactly as an operator would.
    p = await startTestPlatform({ env: { OUTBOUND_ALLOW_HOSTS: `127.0.0.1:${wiki.port}` } });
    t = await p.newTenant('outbound');
  });
  afterAll(async () => {
    await p?.close();
    await Promise.all(owned.map((s) => s.close()));
  });

  it('answers 400 outbound_blocked for loopback and metadata URLs in any spelling, before any run', async () => {
    const urls = [
      `http://127.0.0.1:${secret.port}/api/v1/namespaces/default/workflows`,
      `http://localhost:${secret.port}/`,
      `http://2130706433:${secret.port}/`,
      `http://0177.0.0.1:${secret.port}/`,
      `http://[::ffff:127.0.0.1]:${secret.port}/`,
      `http://0.0.0.0:${secret.port}/`,
      'http://169.254.169.254/latest/meta-data/',
    ];
    for (const url of urls) {
      const res = await p.call('/v1/memory/documents', { key: t.key, body: { collection: 'stolen', documents: [{ source: 'x', url }], wait: true } });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'outbound_blocked' });
      expect(res.body.error.details[0]).toMatchObject({ path: 'documents.0.url', code: 'outbound_blocked' });
    }
    expect(secret.hits).toEqual([]);
  });

  it('fetches an allow-listed server, and refuses its redirect to loopback inside the activity', async () => {
    const res = await p.call('/v1/memory/documents', {
      key: t.key,
      body: {
        collection: 'wiki',
        documents: [
          { source: 'onboarding.md', url: `${wiki.url}/onboarding.md` },
          { source: 'redirected', url: `${wiki.url}/to-loopback` },
        ],
        wait: true,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.documents.map((d: { status: string }) => d.status)).toEqual(['ready', 'failed']);
    expect(res.body.documents[1].error).toMatch(/may not be fetched \(loopback\)/);
    expect(secret.hits).toEqual([]);

    const found = await p.call('/v1/search', { key: t.key, body: { query: 'laptop', mode: 'keyword', sources: ['documents'] } });
    expect(found.body.data.map((h: { source: { source: string } }) => h.source.source)).toEqual(['onboarding.md']);
    const leaked = await p.call('/v1/search', { key: t.key, body: { query: 'zebra-quartz-42 secret', mode: 'keyword', sources: ['documents'] } });
    expect(leaked.body.data).toEqual([]);
  });
});
