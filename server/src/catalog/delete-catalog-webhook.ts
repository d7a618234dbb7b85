import { DELIVERY_WORKFLOW, type DeletedCatalogWebhook } from '@lasso/contracts';

import { signalDeliveryWorkflow } from '../deliveries/signal-delivery.js';
import { notFound } from '../errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { softDeleteCatalogWebhook, toCatalogWebhook } from './catalog-webhooks-store.js';

// Cancel signals sent at once; a subscription may have thousands of pending deliveries.
const SIGNAL_CONCURRENCY = 50;

/**
 * Deletes a subscription: the fan-out stops choosing it at once, and every pending delivery to it
 * gets the cancel signal. A delivery that misses the signal stops at its next attempt, which finds
 * the subscription deleted and sends nothing. That covers a fan-out racing the delete and a
 * signal lost while Temporal is unreachable.
 */
export async function deleteCatalogWebhook(
  deps: ServiceDeps,
  options: { workspace: string; webhookId: string },
): Promise<DeletedCatalogWebhook> {
  const { row, pendingWorkflowIds } = await deps.db.transaction(async (tx) => {
    const deleted = await softDeleteCatalogWebhook(tx, options);
    if (deleted === null) {
      throw notFound('Catalog webhook', options.webhookId);
    }
    const pending = await tx.query<{ workflow_id: string }>(
      "SELECT workflow_id FROM deliveries WHERE webhook_id = $1 AND status = 'pending'",
      [deleted.id],
    );
    return { row: deleted, pendingWorkflowIds: pending.map((delivery) => delivery.workflow_id) };
  });

  let cancelled = 0;
  for (let start = 0; start < pendingWorkflowIds.length; start += SIGNAL_CONCURRENCY) {
    const batch = pendingWorkflowIds.slice(start, start + SIGNAL_CONCURRENCY);
    const results = await Promise.all(batch.map((workflowId) => signalCancel(deps, workflowId)));
    cancelled += results.filter(Boolean).length;
  }

  return {
    ...toCatalogWebhook(row),
    deleted_at: (row.deleted_at as Date).toISOString(),
    cancelled_deliveries: cancelled,
  };
}

async function signalCancel(deps: ServiceDeps, workflowId: string): Promise<boolean> {
  try {
    return await signalDeliveryWorkflow(deps, workflowId, DELIVERY_WORKFLOW.cancelSignal);
  } catch (error) {
    // The delete is committed; the delivery cancels itself at its next attempt instead.
    deps.logger.warn("cancel signal to a deleted webhook's delivery failed", {
      workflowId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
