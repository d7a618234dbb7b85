import { parseIpNetwork, type IpNetwork } from './ip-network.js';

/** A block that webhooks may not reach unless it is opened, with what the block is for. */
export interface SpecialPurposeNetwork {
  network: IpNetwork;
  /** Completes "the address is ...", such as `loopback` or `reserved for documentation`. */
  purpose: string;
}

// From the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), plus
// multicast and the old site-local block. Blocks that hold a whole IPv4 address (NAT64, 6to4,
// IPv4-compatible) are checked by that address in address-policy.ts instead of being listed here.
const BLOCKS: Array<[cidr: string, purpose: string]> = [
  ['0.0.0.0/8', 'reserved for "this network"'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT shared space'],
  ['127.0.0.0/8', 'loopback'],
  // Includes 169.254.169.254, the cloud metadata service.
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved for IETF protocol assignments'],
  ['192.0.2.0/24', 'reserved for documentation'],
  ['192.88.99.0/24', 'the retired 6to4 relay anycast block'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved for benchmarking'],
  ['198.51.100.0/24', 'reserved for documentation'],
  ['203.0.113.0/24', 'reserved for documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved for future use'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/32', 'Teredo tunneling'],
  ['2001:2::/48', 'reserved for benchmarking'],
  ['2001:db8::/32', 'reserved for documentation'],
  ['3fff::/20', 'reserved for documentation'],
  ['fc00::/7', 'unique local (private)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'deprecated site-local'],
  ['ff00::/8', 'multicast'],
];

/** Blocks that webhooks may not reach by default, most specific first where two overlap. */
export const SPECIAL_PURPOSE_NETWORKS: readonly SpecialPurposeNetwork[] = BLOCKS.map(
  ([cidr, purpose]) => ({
    network: parseIpNetwork(cidr),
    purpose,
  }),
);

/** Loopback in both families: what the local default opens so that a receiver on this machine works. */
export const LOOPBACK_NETWORKS: readonly IpNetwork[] = [
  parseIpNetwork('127.0.0.0/8'),
  parseIpNetwork('::1/128'),
];
