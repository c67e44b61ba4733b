import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address as a number, so ranges are compared arithmetically rather than by text: the
 * same address has many spellings (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `0:0:0:0:0:ffff:7f00:1`).
 */
export type IpAddress = { family: 4; value: number } | { family: 6; value: bigint };

/** A range of addresses: every address whose first `prefix` bits equal the base's. */
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/**
 * Parses a canonical textual address (what the URL parser and DNS give back): dotted-quad IPv4
 * or IPv6, with or without brackets; a zone id (`fe80::1%eth0`) is dropped, the address is what
 * counts. Other IPv4 spellings (`2130706433`, `0x7f.1`) are not accepted here: the WHATWG URL
 * parser has already normalised them by the time a host reaches this function.
 */
export function parseIp(text: string): IpAddress | undefined {
  let host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = host.indexOf('%');
  if (zone !== -1) host = host.slice(0, zone);
  if (isIPv4(host)) {
    const [a, b, c, d] = host.split('.').map(Number) as [number, number, number, number];
    return { family: 4, value: ((a << 24) >>> 0) + (b << 16) + (c << 8) + d };
  }
  if (!isIPv6(host)) return undefined;
  return { family: 6, value: parseIpv6(host) };
}

function parseIpv6(host: string): bigint {
  let groups: string[];
  const lastColon = host.lastIndexOf(':');
  const tail = host.slice(lastColon + 1);
  // A trailing dotted quad (`::ffff:1.2.3.4`) stands for the last two 16-bit groups.
  if (tail.includes('.')) {
    const v4 = parseIp(tail) as { family: 4; value: number };
    host = `${host.slice(0, lastColon + 1)}${(v4.value >>> 16).toString(16)}:${(v4.value & 0xffff).toString(16)}`;
  }
  const gap = host.indexOf('::');
  if (gap === -1) {
    groups = host.split(':');
  } else {
    const head = host.slice(0, gap) === '' ? [] : host.slice(0, gap).split(':');
    const rest = host.slice(gap + 2) === '' ? [] : host.slice(gap + 2).split(':');
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The address as a bigint of its family's width, for range arithmetic shared by v4 and v6. */
function bitsOf(ip: IpAddress): bigint {
  return ip.family === 4 ? BigInt(ip.value) : ip.value;
}

const widthOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** `10.0.0.0/8`, `fc00::/7`, or a bare address (a range of one). Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const width = widthOf(ip.family);
  let prefix = width;
  if (slash !== -1) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw)) return undefined;
    prefix = Number(raw);
    if (prefix > width) return undefined;
  }
  return { family: ip.family, base: maskOf(bitsOf(ip), prefix, width), prefix };
}

function maskOf(bits: bigint, prefix: number, width: number): bigint {
  const hostBits = BigInt(width - prefix);
  return (bits >> hostBits) << hostBits;
}

export function inCidr(ip: IpAddress, range: Cidr): boolean {
  if (ip.family !== range.family) return false;
  return maskOf(bitsOf(ip), range.prefix, widthOf(ip.family)) === range.base;
}

/** The IPv4 address held in the low 32 bits of an IPv6 one (mapped, NAT64, ... forms). */
export function embeddedIpv4(ip: IpAddress, shift = 0n): IpAddress {
  return { family: 4, value: Number((bitsOf(ip) >> shift) & 0xffffffffn) };
}

const V4_MAPPED = parseCidr('::ffff:0:0/96')!;

/** The same host whatever the spelling: `::ffff:127.0.0.1` is `127.0.0.1` (a socket may report either). */
export function sameIp(a: IpAddress, b: IpAddress): boolean {
  const plain = (ip: IpAddress) => (ip.family === 6 && inCidr(ip, V4_MAPPED) ? embeddedIpv4(ip) : ip);
  const x = plain(a);
  const y = plain(b);
  return x.family === y.family && bitsOf(x) === bitsOf(y);
}
