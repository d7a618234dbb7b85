import type { ServiceDeps } from '../service-deps.js';
import { findDelivery, type DeliveryRow } from './deliveries-store.js';

// Long enough for a waiting workflow to act on a signal; short enough for an API call.
const WAIT_LIMIT_MS = 3_000;
const POLL_INTERVAL_MS = 50;

/**
 * Reads a delivery until `until` holds or a few seconds pass, then returns its latest state. A
 * signal's effect lands in the database a moment after the signal, and longer when an attempt is
 * in flight (up to its 10-second limit); callers then see the delivery still pending.
 */
export async function waitForDeliveryChange(
  deps: ServiceDeps,
  options: {
    workspace: string;
    deliveryId: string;
    from: DeliveryRow;
    until: (row: DeliveryRow) => boolean;
  },
): Promise<DeliveryRow> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let latest = options.from;

  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    latest = (await findDelivery(deps.db, options)) ?? latest;
    if (options.until(latest)) {
      return latest;
    }
  }
  return latest;
}
