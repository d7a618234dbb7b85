import type { AttemptOutcome, DeliveryStatus, EventName } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';
import type { SecretBox } from '../secrets/secret-box.js';

/** Everything one attempt needs: the body, where to send it and how to sign it, read as it is now. */
export interface AttemptTarget {
  deliveryId: string;
  status: DeliveryStatus;
  event: EventName;
  eventId: string;
  body: string;
  url: string;
  secret: string | null;
  authHeader: { name: string; value: string } | null;
  /** True when the delivery goes to a catalog webhook that has been deleted; nothing may be sent. */
  webhookDeleted: boolean;
  /** The attempt with the requested number when one is stored already (a repeated attempt). */
  recordedAttempt: RecordedAttempt | null;
}

/** The stored outcome of an attempt, enough to return a repeated activity's result without sending again. */
export interface RecordedAttempt {
  deliveryAttemptId: string;
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
}

interface AttemptTargetRow {
  id: string;
  status: DeliveryStatus;
  event: EventName;
  event_id: string;
  body: string;
  url: string;
  webhook_secret: string | null;
  webhook_auth_header_name: string | null;
  webhook_auth_header_value: string | null;
  webhook_deleted: boolean;
  attempt_id: string | null;
  attempt_outcome: AttemptOutcome | null;
  attempt_status_code: number | null;
  attempt_duration_ms: number | null;
}

/**
 * Reads a delivery's body and endpoint with the current URL, secret and auth header of its table or
 * catalog webhook, so a retry follows an update, and attempt `attemptNumber` if it is stored
 * already. Returns null when the delivery is unknown. The secret and auth header value come back
 * decrypted with `secrets`. One query, because it runs before every attempt.
 */
export async function loadAttemptTarget(
  db: Queryable,
  options: { deliveryId: string; attemptNumber: number },
  secrets: SecretBox,
): Promise<AttemptTarget | null> {
  const rows = await db.query<AttemptTargetRow>(
    `SELECT d.id, d.status, d.event, d.event_id, e.body,
            COALESCE(t.webhook_url, w.url, d.url) AS url,
            COALESCE(t.webhook_secret, w.secret) AS webhook_secret,
            COALESCE(t.webhook_auth_header_name, w.auth_header_name) AS webhook_auth_header_name,
            COALESCE(t.webhook_auth_header_value, w.auth_header_value) AS webhook_auth_header_value,
            w.deleted_at IS NOT NULL AS webhook_deleted,
            a.delivery_attempt_id AS attempt_id, a.outcome AS attempt_outcome,
            a.status_code AS attempt_status_code, a.duration_ms AS attempt_duration_ms
     FROM deliveries d
     JOIN events e ON e.id = d.event_id
     LEFT JOIN tables t ON t.id = d.table_id
     LEFT JOIN catalog_webhooks w ON w.id = d.webhook_id
     LEFT JOIN delivery_attempts a ON a.delivery_id = d.id AND a.number = $2
     WHERE d.id = $1`,
    [options.deliveryId, options.attemptNumber],
  );
  const row = rows[0];
  if (row === undefined) {
    return null;
  }

  return {
    deliveryId: row.id,
    status: row.status,
    event: row.event,
    eventId: row.event_id,
    body: row.body,
    url: row.url,
    secret: row.webhook_secret === null ? null : secrets.open(row.webhook_secret),
    authHeader:
      row.webhook_auth_header_name !== null && row.webhook_auth_header_value !== null
        ? { name: row.webhook_auth_header_name, value: secrets.open(row.webhook_auth_header_value) }
        : null,
    webhookDeleted: row.webhook_deleted,
    recordedAttempt:
      row.attempt_id === null
        ? null
        : {
            deliveryAttemptId: row.attempt_id,
            outcome: row.attempt_outcome as AttemptOutcome,
            statusCode: row.attempt_status_code,
            durationMs: row.attempt_duration_ms as number,
          },
  };
}

export interface AttemptRecord {
  deliveryId: string;
  number: number;
  deliveryAttemptId: string;
  url: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  outcome: AttemptOutcome;
  error: string | null;
  responseBody: string | null;
  /** Wait before the next attempt, or null when this was the last one. */
  retryDelayMs: number | null;
}

/**
 * Stores an attempt and moves the delivery on: succeeded, abandoned after the last attempt, or
 * pending with the time of the next one. Storing the same attempt number again replaces it, so an
 * activity that is retried after a crash keeps attempt numbers consecutive. One statement, so both
 * writes land together without a transaction around them.
 */
export async function recordAttempt(db: Queryable, record: AttemptRecord): Promise<void> {
  const finishedStatus: DeliveryStatus | null =
    record.outcome === 'succeeded'
      ? 'succeeded'
      : record.retryDelayMs === null
        ? 'abandoned'
        : null;

  await db.query(
    `WITH attempt AS (
       INSERT INTO delivery_attempts (delivery_id, number, delivery_attempt_id, url, started_at, duration_ms,
         status_code, outcome, error, response_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (delivery_id, number) DO UPDATE SET
         delivery_attempt_id = EXCLUDED.delivery_attempt_id, url = EXCLUDED.url, started_at = EXCLUDED.started_at,
         duration_ms = EXCLUDED.duration_ms, status_code = EXCLUDED.status_code, outcome = EXCLUDED.outcome,
         error = EXCLUDED.error, response_body = EXCLUDED.response_body
       RETURNING delivery_id
     )
     UPDATE deliveries SET
       attempt_count = GREATEST(attempt_count, $2),
       status = COALESCE($11, status),
       finished_at = CASE WHEN $11::text IS NULL THEN NULL ELSE now() END,
       next_attempt_at = CASE WHEN $11::text IS NULL THEN now() + ($12::integer * interval '1 millisecond') ELSE NULL END
     WHERE id = (SELECT delivery_id FROM attempt)`,
    [
      record.deliveryId,
      record.number,
      record.deliveryAttemptId,
      record.url,
      record.startedAt,
      record.durationMs,
      record.statusCode,
      record.outcome,
      record.error,
      record.responseBody,
      finishedStatus,
      record.retryDelayMs ?? 0,
    ],
  );
}

/** Marks a pending delivery cancelled; a finished one keeps its status. */
export async function markDeliveryCancelled(db: Queryable, deliveryId: string): Promise<void> {
  await db.query(
    `UPDATE deliveries SET status = 'cancelled', finished_at = now(), next_attempt_at = NULL
     WHERE id = $1 AND status = 'pending'`,
    [deliveryId],
  );
}
