import type { RecoverDeliveriesResult } from '@lasso/contracts';

import { findCatalogWebhook } from '../catalog/catalog-webhooks-store.js';
import { notFound } from '../errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { findTable } from '../tables/tables-store.js';
import type { DeliveryRow } from './deliveries-store.js';
import {
  countAbandoned,
  listUnreplayedAbandoned,
  lockAndCheckReplayed,
  type RecoveryScope,
} from './recovery-store.js';
import { startReplay } from './start-replay.js';

export interface RecoverDeliveriesOptions extends RecoveryScope {
  /** Maximum number of replays this call starts. */
  limit: number;
}

/**
 * Replays up to `limit` abandoned deliveries of one table or one catalog webhook that have no
 * replay yet, oldest first, each as a new delivery linked by `replay_of`. Throws not_found when
 * the table or webhook is not the workspace's. A failed start stops the call and throws, and the
 * replays already started stay, so calling again continues with the rest.
 */
export async function recoverDeliveries(
  deps: ServiceDeps,
  options: RecoverDeliveriesOptions,
): Promise<RecoverDeliveriesResult> {
  await assertScopeExists(deps, options);

  const candidates = await listUnreplayedAbandoned(deps.db, options, options.limit);

  let started = 0;
  for (const delivery of candidates) {
    try {
      if (await replayUnlessReplayed(deps, delivery)) {
        started++;
      }
    } catch (error) {
      deps.logger.error('recovery stopped', {
        workspace: options.workspace,
        deliveryId: delivery.id,
        started,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  // One count after the batch, so started + skipped + remaining adds up to the abandoned deliveries it saw.
  const counts = await countAbandoned(deps.db, options);
  const result = {
    started,
    skipped: counts.total - counts.unreplayed - started,
    remaining: counts.unreplayed,
  };
  deps.logger.info('deliveries recovered', {
    workspace: options.workspace,
    tableId: options.tableId,
    webhookId: options.webhookId,
    since: options.since.toISOString(),
    ...result,
  });
  return result;
}

async function assertScopeExists(deps: ServiceDeps, scope: RecoveryScope): Promise<void> {
  if (scope.tableId !== undefined) {
    const table = await findTable(deps.db, { workspace: scope.workspace, tableId: scope.tableId });
    if (table === null) {
      throw notFound('Table', scope.tableId);
    }
  }
  if (scope.webhookId !== undefined) {
    const webhook = await findCatalogWebhook(deps.db, {
      workspace: scope.workspace,
      webhookId: scope.webhookId,
    });
    if (webhook === null) {
      throw notFound('Catalog webhook', scope.webhookId);
    }
  }
}

// Returns false when a concurrent recover or replay started a replay of this delivery first.
async function replayUnlessReplayed(deps: ServiceDeps, delivery: DeliveryRow): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    if (await lockAndCheckReplayed(tx, delivery.id)) {
      return false;
    }

    await startReplay(tx, deps, delivery);
    return true;
  });
}
