import type { Queryable } from '../database/database.js';
import type { DeliveryRow } from './deliveries-store.js';

/** The abandoned deliveries a recovery looks at: one table's or one catalog webhook's, created at or after `since`. */
export interface RecoveryScope {
  workspace: string;
  tableId?: string | undefined;
  webhookId?: string | undefined;
  since: Date;
}

// Parameters $1 to $4 of every query below.
const SCOPE_CONDITION = `d.workspace = $1
       AND ($2::text IS NULL OR d.table_id = $2)
       AND ($3::text IS NULL OR d.webhook_id = $3)
       AND d.created_at >= $4
       AND d.status = 'abandoned'`;

// Served by the partial index deliveries_replay_of.
const HAS_REPLAY = 'EXISTS (SELECT 1 FROM deliveries r WHERE r.replay_of = d.id)';

function scopeParams(scope: RecoveryScope): unknown[] {
  return [scope.workspace, scope.tableId ?? null, scope.webhookId ?? null, scope.since];
}

/** Reads up to `limit` abandoned deliveries in scope that have no replay, oldest first. */
export async function listUnreplayedAbandoned(
  db: Queryable,
  scope: RecoveryScope,
  limit: number,
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT d.* FROM deliveries d
     WHERE ${SCOPE_CONDITION} AND NOT ${HAS_REPLAY}
     ORDER BY d.id
     LIMIT $5`,
    [...scopeParams(scope), limit],
  );
}

/** Counts the abandoned deliveries in scope, and how many of them have no replay yet. */
export async function countAbandoned(
  db: Queryable,
  scope: RecoveryScope,
): Promise<{ total: number; unreplayed: number }> {
  const rows = await db.query<{ total: number; unreplayed: number }>(
    `SELECT count(*)::integer AS total,
            (count(*) FILTER (WHERE NOT ${HAS_REPLAY}))::integer AS unreplayed
     FROM deliveries d
     WHERE ${SCOPE_CONDITION}`,
    scopeParams(scope),
  );
  return rows[0] ?? { total: 0, unreplayed: 0 };
}

/**
 * Locks a delivery's row until the transaction ends and returns whether it has a replay. Two
 * transactions that lock the same delivery run one after the other, so the second sees the
 * replay the first inserted.
 */
export async function lockAndCheckReplayed(tx: Queryable, deliveryId: string): Promise<boolean> {
  await tx.query('SELECT id FROM deliveries WHERE id = $1 FOR UPDATE', [deliveryId]);
  const replays = await tx.query('SELECT id FROM deliveries WHERE replay_of = $1 LIMIT 1', [
    deliveryId,
  ]);
  return replays.length > 0;
}
