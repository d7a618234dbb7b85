import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

import { checkAddress, type IpNetwork } from '@lasso/server';

import { BlockedAddressError } from './blocked-address-error.js';

/** Resolves a host name to every address it has; tests pass their own to control the result. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo: the hosts file, then DNS), in the resolver's order. */
export const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * Resolves a host name once and checks every address against the policy; throws
 * BlockedAddressError when any of them may not be reached. The caller connects only to the
 * addresses returned, so a DNS answer that changes later cannot redirect the connection.
 */
export async function resolveAllowedAddresses(
  hostname: string,
  options: { allowedNetworks: readonly IpNetwork[]; lookup: HostLookup },
): Promise<LookupAddress[]> {
  const addresses = await options.lookup(hostname);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
  }

  // One blocked address blocks the name, since the connection could go to any of them.
  for (const { address } of addresses) {
    const verdict = checkAddress(address, options.allowedNetworks);
    if (!verdict.allowed) {
      throw new BlockedAddressError(
        `blocked: ${hostname} resolved to ${address}, which is ${verdict.reason}`,
      );
    }
  }
  return addresses;
}

/**
 * Makes a `lookup` for `net.connect` that returns checked addresses only. Node calls it once
 * per connection and connects to what it returns, trying each address in turn when it asks for all.
 */
export function createGuardedLookup(options: {
  allowedNetworks: readonly IpNetwork[];
  lookup: HostLookup;
}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveAllowedAddresses(hostname, options).then(
      (addresses) => {
        const family =
          lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : null;
        const usable =
          family === null ? addresses : addresses.filter((address) => address.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(
            Object.assign(new Error(`${hostname} has no IPv${family} address`), {
              code: 'ENOTFOUND',
            }),
            '',
            0,
          );
        } else if (lookupOptions.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
