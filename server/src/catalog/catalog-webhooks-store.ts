import type { CatalogEventName, CatalogWebhook, UpdateCatalogWebhookInput } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';

/** A catalog webhook row as stored, with the write-only secret and auth header value. */
export interface CatalogWebhookRow {
  id: string;
  workspace: string;
  url: string;
  events: CatalogEventName[];
  secret: string | null;
  auth_header_name: string | null;
  auth_header_value: string | null;
  description: string | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** Shapes a stored subscription for the API: secrets become "is it set" flags. */
export function toCatalogWebhook(row: CatalogWebhookRow): CatalogWebhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    secret_set: row.secret !== null,
    auth_header_name: row.auth_header_name,
    auth_header_value_set: row.auth_header_value !== null,
    description: row.description,
    enabled: row.enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface NewCatalogWebhook {
  id: string;
  workspace: string;
  url: string;
  events: CatalogEventName[];
  secret?: string | undefined;
  auth_header_name?: string | undefined;
  auth_header_value?: string | undefined;
  description?: string | undefined;
  enabled: boolean;
}

export async function insertCatalogWebhook(
  db: Queryable,
  webhook: NewCatalogWebhook,
): Promise<CatalogWebhookRow> {
  const rows = await db.query<CatalogWebhookRow>(
    `INSERT INTO catalog_webhooks (id, workspace, url, events, secret, auth_header_name, auth_header_value,
       description, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     RETURNING *`,
    [
      webhook.id,
      webhook.workspace,
      webhook.url,
      webhook.events,
      webhook.secret ?? null,
      webhook.auth_header_name ?? null,
      webhook.auth_header_value ?? null,
      webhook.description ?? null,
      webhook.enabled,
    ],
  );
  return rows[0] as CatalogWebhookRow;
}

/** Reads a subscription of a workspace that is not deleted; `forUpdate` locks the row until the transaction ends. */
export async function findCatalogWebhook(
  db: Queryable,
  options: { workspace: string; webhookId: string; forUpdate?: boolean },
): Promise<CatalogWebhookRow | null> {
  const rows = await db.query<CatalogWebhookRow>(
    `SELECT * FROM catalog_webhooks WHERE id = $1 AND workspace = $2 AND deleted_at IS NULL${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [options.webhookId, options.workspace],
  );
  return rows[0] ?? null;
}

/** Reads one page of a workspace's subscriptions, newest first, starting after the `cursor` id. */
export async function listCatalogWebhooks(
  db: Queryable,
  options: { workspace: string; cursor?: string | undefined; limit: number },
): Promise<CatalogWebhookRow[]> {
  return db.query<CatalogWebhookRow>(
    `SELECT * FROM catalog_webhooks
     WHERE workspace = $1 AND deleted_at IS NULL
       AND ($2::text IS NULL OR id < $2)
     ORDER BY id DESC
     LIMIT $3`,
    [options.workspace, options.cursor ?? null, options.limit],
  );
}

// Columns a PATCH may set, each with the input field it comes from.
const UPDATABLE_COLUMNS = [
  'url',
  'events',
  'secret',
  'auth_header_name',
  'auth_header_value',
  'description',
  'enabled',
] as const satisfies ReadonlyArray<keyof UpdateCatalogWebhookInput & keyof CatalogWebhookRow>;

/**
 * Changes the fields given in `changes` (null clears a field) and returns the row, or null when the
 * subscription is unknown or deleted. Attempts read the row when they start, so pending retries use
 * the new URL, secret and auth header.
 */
export async function updateCatalogWebhook(
  db: Queryable,
  options: { workspace: string; changes: UpdateCatalogWebhookInput },
): Promise<CatalogWebhookRow | null> {
  const assignments: string[] = [];
  const params: unknown[] = [options.changes.webhook_id, options.workspace];
  for (const column of UPDATABLE_COLUMNS) {
    const value = options.changes[column];
    if (value === undefined) {
      continue;
    }
    params.push(value);
    assignments.push(`${column} = $${params.length}`);
  }

  const rows = await db.query<CatalogWebhookRow>(
    `UPDATE catalog_webhooks SET ${[...assignments, 'updated_at = now()'].join(', ')}
     WHERE id = $1 AND workspace = $2 AND deleted_at IS NULL
     RETURNING *`,
    params,
  );
  return rows[0] ?? null;
}

/**
 * Marks a subscription deleted and erases its secret and auth header value, which nothing may
 * use any more. The row stays so its deliveries keep their `webhook_id`.
 */
export async function softDeleteCatalogWebhook(
  db: Queryable,
  options: { workspace: string; webhookId: string },
): Promise<CatalogWebhookRow | null> {
  const rows = await db.query<CatalogWebhookRow>(
    `UPDATE catalog_webhooks
     SET deleted_at = now(), updated_at = now(), enabled = false, secret = NULL, auth_header_value = NULL
     WHERE id = $1 AND workspace = $2 AND deleted_at IS NULL
     RETURNING *`,
    [options.webhookId, options.workspace],
  );
  return rows[0] ?? null;
}
