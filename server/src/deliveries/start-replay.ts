import type { Queryable } from '../database/database.js';
import type { ServiceDeps } from '../service-deps.js';
import type { DeliveryRow } from './deliveries-store.js';
import { startDelivery } from './start-delivery.js';

/**
 * Starts a new delivery of a finished delivery's event to the same endpoint, linked by `replay_of`,
 * in the open transaction `tx`. The attempts read the endpoint's secret as it is now.
 */
export async function startReplay(
  tx: Queryable,
  deps: ServiceDeps,
  original: DeliveryRow,
): Promise<DeliveryRow> {
  return startDelivery(tx, deps, {
    workspace: original.workspace,
    eventId: original.event_id,
    event: original.event,
    url: original.url,
    ...(original.table_id !== null ? { tableId: original.table_id } : {}),
    ...(original.webhook_id !== null ? { webhookId: original.webhook_id } : {}),
    replayOf: original.id,
  });
}
