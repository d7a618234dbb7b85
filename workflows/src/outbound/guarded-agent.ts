import { isIP } from 'node:net';

import { Agent, buildConnector } from 'undici';

import { checkAddress, type IpNetwork } from '@lasso/server';

import { BlockedAddressError } from './blocked-address-error.js';
import { createGuardedLookup, systemLookup, type HostLookup } from './guarded-lookup.js';

export interface OutboundGuardOptions {
  /** Special-purpose blocks opened for webhooks, such as loopback for a local receiver. */
  allowedNetworks: readonly IpNetwork[];
  /** Resolver for host names; the system resolver when unset. */
  lookup?: HostLookup | undefined;
}

/**
 * Creates the connection pool that every attempt sends through. Each new connection checks its
 * address before it connects: an IP literal as it is, a host name through one lookup whose checked
 * result is also what the socket connects to. A blocked address fails the request with
 * BlockedAddressError and no connection. A pooled keep-alive connection was checked when it opened,
 * so reusing it reaches the same checked address.
 */
export function createGuardedAgent(options: OutboundGuardOptions): Agent {
  const allowedNetworks = options.allowedNetworks;
  const connectChecked = buildConnector({
    lookup: createGuardedLookup({ allowedNetworks, lookup: options.lookup ?? systemLookup }),
  });

  return new Agent({
    keepAliveTimeout: 10_000,
    connections: 32,
    connect: (connectOptions, callback) => {
      // Node connects to an IP literal without calling `lookup`, so literals are checked here.
      if (isIP(connectOptions.hostname) !== 0) {
        const verdict = checkAddress(connectOptions.hostname, allowedNetworks);
        if (!verdict.allowed) {
          callback(
            new BlockedAddressError(`blocked: ${connectOptions.hostname} is ${verdict.reason}`),
            null,
          );
          return;
        }
      }
      connectChecked(connectOptions, callback);
    },
  });
}
