import { DELIVERY_WORKFLOW } from '@lasso/contracts';

import { notFound } from '../errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { findDelivery, findPendingReplay, type DeliveryRow } from './deliveries-store.js';
import { signalDeliveryWorkflow } from './signal-delivery.js';
import { startReplay } from './start-replay.js';
import { waitForDeliveryChange } from './wait-for-delivery-change.js';

/**
 * Makes a delivery go again. A pending one makes its next attempt now instead of after its wait. A
 * finished one gets a new delivery of the same body to the same endpoint, linked by `replay_of`;
 * while that replay is pending, replaying again returns it instead of starting another.
 */
export async function replayDelivery(
  deps: ServiceDeps,
  options: { workspace: string; deliveryId: string },
): Promise<DeliveryRow> {
  const delivery = await findDelivery(deps.db, options);
  if (delivery === null) {
    throw notFound('Delivery', options.deliveryId);
  }

  if (delivery.status === 'pending') {
    const signalled = await signalDeliveryWorkflow(
      deps,
      delivery.workflow_id,
      DELIVERY_WORKFLOW.replaySignal,
    );
    if (signalled) {
      return waitForDeliveryChange(deps, {
        ...options,
        from: delivery,
        until: (row) => row.attempt_count > delivery.attempt_count || row.status !== 'pending',
      });
    }
  }

  return deps.db.transaction(async (tx) => {
    // The row lock makes two replays that race see each other's new delivery.
    await tx.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [delivery.id]);
    const pendingReplay = await findPendingReplay(tx, delivery.id);
    if (pendingReplay !== null) {
      return pendingReplay;
    }

    return startReplay(tx, deps, delivery);
  });
}
