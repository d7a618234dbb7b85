import { parseIpAddress, type IpAddress } from './ip-address.js';

/** A CIDR block such as `10.0.0.0/8` or `fc00::/7`. */
export interface IpNetwork {
  family: 4 | 6;
  /** The first address of the block. */
  base: bigint;
  prefixLength: number;
  /** The block as it was written. */
  cidr: string;
}

/** Raised for text that is not a CIDR block; the message states what is wrong with it. */
export class InvalidNetworkError extends Error {
  override name = 'InvalidNetworkError';
}

/**
 * Parses a CIDR block (`10.0.0.0/8`, `::1/128`); a bare address is a block of one address.
 * Throws InvalidNetworkError when the text is not a block or has bits set past the prefix.
 */
export function parseIpNetwork(text: string): IpNetwork {
  const [addressText, prefixText, ...rest] = text.split('/') as [
    string,
    string | undefined,
    ...string[],
  ];
  const address = parseIpAddress(addressText);
  if (address === null || addressText.includes('%') || rest.length > 0) {
    throw new InvalidNetworkError(`"${text}" is not a CIDR network such as 10.0.0.0/8 or fd00::/8`);
  }

  const bits = address.family === 4 ? 32 : 128;
  const prefixLength = prefixText === undefined ? bits : Number(prefixText);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    throw new InvalidNetworkError(
      `"${text}" has an invalid prefix length; write it as a number from 0 to ${bits}`,
    );
  }
  if (prefixLength > bits) {
    throw new InvalidNetworkError(`"${text}" has a prefix length over ${bits}`);
  }

  const hostBits = BigInt(bits - prefixLength);
  const base = (address.value >> hostBits) << hostBits;
  if (base !== address.value) {
    throw new InvalidNetworkError(
      `"${text}" has bits set after the /${prefixLength} prefix; write the first address of the block`,
    );
  }
  return { family: address.family, base, prefixLength, cidr: text };
}

/** True when the address lies inside the block; an IPv4 block never contains an IPv6 address, nor the reverse. */
export function networkContains(network: IpNetwork, address: IpAddress): boolean {
  if (network.family !== address.family) {
    return false;
  }
  const hostBits = BigInt((network.family === 4 ? 32 : 128) - network.prefixLength);
  return address.value >> hostBits === network.base >> hostBits;
}
