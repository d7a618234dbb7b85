import { IDEMPOTENCY_WINDOW_HOURS, type CatalogEventName } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';

/** A published catalog event as stored, with the exact body every subscriber gets. */
export interface PublishedEventRow {
  id: string;
  workspace: string;
  event: CatalogEventName;
  body: string;
  idempotency_key: string | null;
  created_at: Date;
}

export async function insertPublishedEvent(db: Queryable, event: PublishedEventRow): Promise<void> {
  await db.query(
    'INSERT INTO events (id, workspace, event, body, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [event.id, event.workspace, event.event, event.body, event.idempotency_key, event.created_at],
  );
}

export async function findPublishedEvent(
  db: Queryable,
  eventId: string,
): Promise<PublishedEventRow | null> {
  const rows = await db.query<PublishedEventRow>(
    'SELECT id, workspace, event, body, idempotency_key, created_at FROM events WHERE id = $1',
    [eventId],
  );
  return rows[0] ?? null;
}

/** Finds the event an idempotency key of a workspace belongs to, if the key is less than 24 hours old. */
export async function findEventByIdempotencyKey(
  db: Queryable,
  options: { workspace: string; key: string },
): Promise<PublishedEventRow | null> {
  const rows = await db.query<PublishedEventRow>(
    `SELECT e.id, e.workspace, e.event, e.body, e.idempotency_key, e.created_at
       FROM event_idempotency_keys k JOIN events e ON e.id = k.event_id
      WHERE k.workspace = $1 AND k.idempotency_key = $2
        AND k.created_at > now() - ($3::integer * interval '1 hour')`,
    [options.workspace, options.key, IDEMPOTENCY_WINDOW_HOURS],
  );
  return rows[0] ?? null;
}

/**
 * Claims an idempotency key of a workspace for `eventId` and returns the id of the event the key
 * belongs to. That is `eventId` when the key was free or older than 24 hours, otherwise the earlier
 * event. A concurrent publish with the same key waits for this transaction, then gets this event.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  options: { workspace: string; key: string; eventId: string; now: Date },
): Promise<string> {
  const claimed = await db.query<{ event_id: string }>(
    `INSERT INTO event_idempotency_keys (workspace, idempotency_key, event_id, created_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace, idempotency_key) DO UPDATE
       SET event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at
       WHERE event_idempotency_keys.created_at <= EXCLUDED.created_at - ($5::integer * interval '1 hour')
     RETURNING event_id`,
    [options.workspace, options.key, options.eventId, options.now, IDEMPOTENCY_WINDOW_HOURS],
  );
  if (claimed[0] !== undefined) {
    return claimed[0].event_id;
  }

  const holder = await db.query<{ event_id: string }>(
    'SELECT event_id FROM event_idempotency_keys WHERE workspace = $1 AND idempotency_key = $2',
    [options.workspace, options.key],
  );
  return (holder[0] as { event_id: string }).event_id;
}
