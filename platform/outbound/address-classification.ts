import { embeddedIpv4, inCidr, parseCidr, type Cidr, type IpAddress } from './ip-address.ts';

/** Why an address may not be reached from the server: each names an IANA special-purpose block. */
export type AddressBlockReason =
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'benchmark'
  | 'documentation'
  | 'unique_local';

const table = (rows: Array<[string, AddressBlockReason]>): Array<[Cidr, AddressBlockReason]> => rows.map(([cidr, reason]) => [parseCidr(cidr)!, reason]);

/** First match wins, so narrower blocks come before the wider ones that contain them. */
const IPV4_BLOCKS = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmark'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** IPv6 forms that carry an IPv4 address in their low 32 bits: judged by that address. */
const IPV6_EMBEDDING = [
  '::ffff:0:0/96', // v4-mapped
  '::ffff:0:0:0/96', // v4-translated (SIIT)
  '64:ff9b::/96', // NAT64 well-known prefix
].map((cidr) => parseCidr(cidr)!);
/** Deprecated v4-compatible addresses (::a.b.c.d) and 6to4 tunnels: refused, named by the address they embed when it is itself refused. */
const V4_COMPATIBLE = parseCidr('::/96')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;

const IPV6_BLOCKS = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'],
  ['100::/64', 'reserved'],
  ['2001:2::/48', 'benchmark'],
  ['2001:db8::/32', 'documentation'],
  // IETF protocol assignments, Teredo (2001::/32) among them: tunnels to addresses we cannot see.
  ['2001::/23', 'reserved'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;

/**
 * Undefined when the address is a public unicast one the server may reach; otherwise the reason
 * it may not. IPv6 is allow-by-range: anything outside global unicast (2000::/3) is refused, so a
 * block IANA assigns later is not an opening.
 */
export function addressBlockReason(ip: IpAddress): AddressBlockReason | undefined {
  if (ip.family === 4) return IPV4_BLOCKS.find(([cidr]) => inCidr(ip, cidr))?.[1];
  if (IPV6_EMBEDDING.some((cidr) => inCidr(ip, cidr))) return addressBlockReason(embeddedIpv4(ip));
  const listed = IPV6_BLOCKS.find(([cidr]) => inCidr(ip, cidr))?.[1];
  if (listed) return listed;
  if (inCidr(ip, V4_COMPATIBLE)) return addressBlockReason(embeddedIpv4(ip)) ?? 'reserved';
  if (inCidr(ip, SIX_TO_FOUR)) return addressBlockReason(embeddedIpv4(ip, 80n)) ?? 'reserved';
  return inCidr(ip, GLOBAL_UNICAST_V6) ? undefined : 'reserved';
}
