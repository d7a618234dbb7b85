import { formatIpAddress, parseIpAddress, unmapIpv4, type IpAddress } from './ip-address.js';
import { networkContains, type IpNetwork } from './ip-network.js';
import { SPECIAL_PURPOSE_NETWORKS } from './special-purpose-networks.js';

/**
 * Whether webhooks may connect to an address. When it may not, `reason` completes "the address is ...",
 * such as `loopback (127.0.0.0/8)`.
 */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Decides whether a webhook may connect to an IP address. Special-purpose addresses (loopback,
 * private, link-local, reserved and the like) are blocked unless a network in `allowed` contains
 * them. An IPv4-mapped address counts as its IPv4 address. An IPv6 address that carries an IPv4
 * address (NAT64, 6to4, IPv4-compatible) is blocked when the IPv4 address is special-purpose,
 * unless `allowed` contains the IPv6 address itself.
 */
export function checkAddress(text: string, allowed: readonly IpNetwork[]): AddressVerdict {
  const parsed = parseIpAddress(text);
  if (parsed === null) {
    return { allowed: false, reason: 'not an IP address' };
  }

  const address = unmapIpv4(parsed);
  if (allowed.some((network) => networkContains(network, address))) {
    return { allowed: true };
  }

  const special = findSpecialPurpose(address);
  if (special !== null) {
    return { allowed: false, reason: `${special.purpose} (${special.cidr})` };
  }

  const embedded = embeddedIpv4(address);
  const embeddedSpecial = embedded === null ? null : findSpecialPurpose(embedded);
  if (embedded !== null && embeddedSpecial !== null) {
    const ipv4 = formatIpAddress(embedded);
    return {
      allowed: false,
      reason: `an IPv6 form of ${ipv4}, which is ${embeddedSpecial.purpose} (${embeddedSpecial.cidr})`,
    };
  }
  return { allowed: true };
}

function findSpecialPurpose(address: IpAddress): { purpose: string; cidr: string } | null {
  const match = SPECIAL_PURPOSE_NETWORKS.find((special) =>
    networkContains(special.network, address),
  );
  return match === undefined ? null : { purpose: match.purpose, cidr: match.network.cidr };
}

// IPv6 forms that carry an IPv4 address, each with the bit offset of that address.
const IPV4_CARRIERS: Array<{ prefix: bigint; prefixLength: number; shift: bigint }> = [
  // 64:ff9b::/96, NAT64 well-known prefix (RFC 6052): the last 32 bits.
  { prefix: 0x0064ff9bn << 96n, prefixLength: 96, shift: 0n },
  // ::ffff:0:0:0/96, IPv4-translated (RFC 2765): the last 32 bits.
  { prefix: 0xffff0000n << 32n, prefixLength: 96, shift: 0n },
  // ::/96, IPv4-compatible (deprecated by RFC 4291): the last 32 bits.
  { prefix: 0n, prefixLength: 96, shift: 0n },
  // 2002::/16, 6to4 (RFC 3056): the 32 bits after the prefix.
  { prefix: 0x2002n << 112n, prefixLength: 16, shift: 80n },
];

function embeddedIpv4(address: IpAddress): IpAddress | null {
  if (address.family !== 6) {
    return null;
  }
  for (const carrier of IPV4_CARRIERS) {
    const hostBits = BigInt(128 - carrier.prefixLength);
    if (address.value >> hostBits === carrier.prefix >> hostBits) {
      return { family: 4, value: (address.value >> carrier.shift) & 0xffffffffn };
    }
  }
  return null;
}
