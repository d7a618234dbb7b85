import type { Attempt, AttemptOutcome, DeliveryStatus, EventName } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';

export interface DeliveryRow {
  id: string;
  workspace: string;
  event_id: string;
  event: EventName;
  table_id: string | null;
  webhook_id: string | null;
  url: string;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
  replay_of: string | null;
  workflow_id: string;
}

export interface AttemptRow {
  delivery_id: string;
  number: number;
  delivery_attempt_id: string;
  url: string;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  outcome: AttemptOutcome;
  error: string | null;
  response_body: string | null;
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    number: row.number,
    delivery_attempt_id: row.delivery_attempt_id,
    url: row.url,
    started_at: row.started_at.toISOString(),
    duration_ms: row.duration_ms,
    status_code: row.status_code,
    outcome: row.outcome,
    error: row.error,
    response_body: row.response_body,
  };
}

/** Stores an event with the exact body bytes every attempt will send. */
export async function insertEvent(
  db: Queryable,
  event: {
    id: string;
    workspace: string;
    event: EventName;
    body: string;
    tableId?: string;
    createdAt: Date;
  },
): Promise<void> {
  await db.query(
    'INSERT INTO events (id, workspace, event, body, table_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [event.id, event.workspace, event.event, event.body, event.tableId ?? null, event.createdAt],
  );
}

export async function insertDelivery(
  db: Queryable,
  delivery: {
    id: string;
    workspace: string;
    eventId: string;
    event: EventName;
    tableId?: string;
    webhookId?: string;
    url: string;
    replayOf?: string;
    workflowId: string;
  },
): Promise<DeliveryRow> {
  const rows = await db.query<DeliveryRow>(
    `INSERT INTO deliveries (id, workspace, event_id, event, table_id, webhook_id, url, status, replay_of, workflow_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
     RETURNING *`,
    [
      delivery.id,
      delivery.workspace,
      delivery.eventId,
      delivery.event,
      delivery.tableId ?? null,
      delivery.webhookId ?? null,
      delivery.url,
      delivery.replayOf ?? null,
      delivery.workflowId,
    ],
  );
  return rows[0] as DeliveryRow;
}

export async function findDelivery(
  db: Queryable,
  options: { workspace: string; deliveryId: string },
): Promise<DeliveryRow | null> {
  const rows = await db.query<DeliveryRow>(
    'SELECT * FROM deliveries WHERE id = $1 AND workspace = $2',
    [options.deliveryId, options.workspace],
  );
  return rows[0] ?? null;
}

export interface DeliveryFilters {
  workspace: string;
  tableId?: string | undefined;
  webhookId?: string | undefined;
  eventId?: string | undefined;
  event?: EventName | undefined;
  status?: DeliveryStatus | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Reads one page of a workspace's deliveries, newest first, starting after the `cursor` id. */
export async function listDeliveries(
  db: Queryable,
  filters: DeliveryFilters,
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT * FROM deliveries
     WHERE workspace = $1
       AND ($2::text IS NULL OR table_id = $2)
       AND ($3::text IS NULL OR webhook_id = $3)
       AND ($4::text IS NULL OR event_id = $4)
       AND ($5::text IS NULL OR event = $5)
       AND ($6::text IS NULL OR status = $6)
       AND ($7::text IS NULL OR id < $7)
     ORDER BY id DESC
     LIMIT $8`,
    [
      filters.workspace,
      filters.tableId ?? null,
      filters.webhookId ?? null,
      filters.eventId ?? null,
      filters.event ?? null,
      filters.status ?? null,
      filters.cursor ?? null,
      filters.limit,
    ],
  );
}

export async function listAttempts(db: Queryable, deliveryId: string): Promise<AttemptRow[]> {
  return db.query<AttemptRow>(
    'SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY number',
    [deliveryId],
  );
}

/** Finds the pending replay of a delivery, if one is running. */
export async function findPendingReplay(
  db: Queryable,
  deliveryId: string,
): Promise<DeliveryRow | null> {
  const rows = await db.query<DeliveryRow>(
    "SELECT * FROM deliveries WHERE replay_of = $1 AND status = 'pending' ORDER BY id DESC LIMIT 1",
    [deliveryId],
  );
  return rows[0] ?? null;
}
