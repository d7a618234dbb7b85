import { parseIpNetwork, type IpNetwork } from './ip-network.js';
import { LOOPBACK_NETWORKS } from './special-purpose-networks.js';

/**
 * Parses WEBHOOK_ALLOWED_NETWORKS: comma-separated CIDR blocks, or `none` for an empty list.
 * Throws InvalidNetworkError on the first entry that is not a block.
 */
export function parseNetworkList(text: string): IpNetwork[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 1 && entries[0]?.toLowerCase() === 'none') {
    return [];
  }
  return entries.map(parseIpNetwork);
}

/**
 * Picks the networks webhooks may reach besides public addresses. An explicit setting wins.
 * Without one, a local run (`npm start`, not NODE_ENV=production) opens loopback so a receiver on
 * the same machine works, and everything else opens nothing.
 */
export function resolveAllowedNetworks(options: {
  configured: IpNetwork[] | undefined;
  nodeEnv: string | undefined;
  localRun: boolean;
}): IpNetwork[] {
  if (options.configured !== undefined) {
    return options.configured;
  }
  return options.localRun && options.nodeEnv !== 'production' ? [...LOOPBACK_NETWORKS] : [];
}

/** Describes the open networks for a startup line, such as `127.0.0.0/8, ::1/128` or `none`. */
export function describeAllowedNetworks(networks: readonly IpNetwork[]): string {
  return networks.length === 0 ? 'none' : networks.map((network) => network.cidr).join(', ');
}
