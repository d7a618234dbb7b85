import { DELIVERY_WORKFLOW } from '@lasso/contracts';

import { ApiError, notFound } from '../errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { findDelivery, type DeliveryRow } from './deliveries-store.js';
import { signalDeliveryWorkflow } from './signal-delivery.js';
import { waitForDeliveryChange } from './wait-for-delivery-change.js';

/**
 * Stops a pending delivery: its workflow takes the cancel signal, drops the waiting timer and makes
 * no further attempt. Cancelling a cancelled delivery changes nothing; a succeeded or abandoned one
 * is a conflict.
 */
export async function cancelDelivery(
  deps: ServiceDeps,
  options: { workspace: string; deliveryId: string },
): Promise<DeliveryRow> {
  const delivery = await findDelivery(deps.db, options);
  if (delivery === null) {
    throw notFound('Delivery', options.deliveryId);
  }
  if (delivery.status === 'cancelled') {
    return delivery;
  }
  if (delivery.status !== 'pending') {
    throw new ApiError(
      'conflict',
      `Delivery ${delivery.id} has already ${delivery.status}; only a pending delivery can be cancelled`,
    );
  }

  await signalDeliveryWorkflow(deps, delivery.workflow_id, DELIVERY_WORKFLOW.cancelSignal);

  // The workflow records the cancellation itself; an attempt in flight finishes first.
  return waitForDeliveryChange(deps, {
    ...options,
    from: delivery,
    until: (row) => row.status !== 'pending',
  });
}
