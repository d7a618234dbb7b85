import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 or IPv6 address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address in the text forms `net.isIP` accepts; returns null for anything else. */
export function parseIpAddress(text: string): IpAddress | null {
  // A zone such as `%eth0` names an interface, not part of the address.
  const address = text.split('%')[0] as string;

  if (isIPv4(address)) {
    return { family: 4, value: parseIpv4(address) };
  }
  if (isIPv6(address)) {
    return { family: 6, value: parseIpv6(address) };
  }
  return null;
}

/** Writes an address the way `net` prints it: dotted decimal, or IPv6 with the longest zero run as `::`. */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }

  const groups = Array.from({ length: 8 }, (_, index) =>
    Number((address.value >> BigInt(112 - index * 16)) & 0xffffn),
  );
  const run = longestZeroRun(groups);
  if (run.length < 2) {
    return groups.map((group) => group.toString(16)).join(':');
  }
  const head = groups
    .slice(0, run.start)
    .map((group) => group.toString(16))
    .join(':');
  const tail = groups
    .slice(run.start + run.length)
    .map((group) => group.toString(16))
    .join(':');
  return `${head}::${tail}`;
}

/**
 * Returns the IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), because a
 * connection to the mapped form goes to that IPv4 address. Returns any other address unchanged.
 */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (address.family === 6 && address.value >> 32n === IPV4_MAPPED_PREFIX >> 32n) {
    return { family: 4, value: address.value & 0xffffffffn };
  }
  return address;
}

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

// Called only on text that net.isIPv6 accepted, so the groups are valid hex of at most 4 digits.
function parseIpv6(text: string): bigint {
  let address = text;

  // A trailing dotted quad (`::ffff:1.2.3.4`) is the last two 16-bit groups.
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (last.includes('.')) {
    const ipv4 = parseIpv4(last);
    address = `${address.slice(0, lastColon + 1)}${(ipv4 >> 16n).toString(16)}:${(ipv4 & 0xffffn).toString(16)}`;
  }

  const [headText, tailText] = address.split('::') as [string, string | undefined];
  const head = headText === '' ? [] : headText.split(':');
  const tail = tailText === undefined || tailText === '' ? [] : tailText.split(':');
  const zeros =
    tailText === undefined ? [] : Array<string>(8 - head.length - tail.length).fill('0');

  return [...head, ...zeros, ...tail].reduce(
    (value, group) => (value << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}

function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  for (const [index, group] of [...groups, 1].entries()) {
    if (group === 0 && start === -1) {
      start = index;
    } else if (group !== 0 && start !== -1) {
      if (index - start > best.length) {
        best = { start, length: index - start };
      }
      start = -1;
    }
  }
  return best;
}
