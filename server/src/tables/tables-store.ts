import type { CreateTableInput, Table, TableError, TableStatus } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';

/** A table row as stored, with the write-only webhook settings that the API never returns. */
export interface TableRow {
  id: string;
  workspace: string;
  schema_id: string;
  name: string;
  file_ids: string[];
  status: TableStatus;
  total_rows: string | number | null;
  error: TableError | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_auth_header_name: string | null;
  webhook_auth_header_value: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** Shapes a stored table for the API: secrets become "is it set" flags. */
export function toTable(row: TableRow): Table {
  return {
    id: row.id,
    schema_id: row.schema_id,
    name: row.name,
    file_ids: row.file_ids,
    status: row.status,
    total_rows: row.total_rows === null ? null : Number(row.total_rows),
    error: row.error,
    webhook_url: row.webhook_url,
    webhook_secret_set: row.webhook_secret !== null,
    webhook_auth_header_name: row.webhook_auth_header_name,
    webhook_auth_header_value_set: row.webhook_auth_header_value !== null,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

export async function insertTable(
  db: Queryable,
  table: { id: string; workspace: string } & CreateTableInput,
): Promise<TableRow> {
  const rows = await db.query<TableRow>(
    `INSERT INTO tables (id, workspace, schema_id, name, file_ids, status, webhook_url, webhook_secret,
       webhook_auth_header_name, webhook_auth_header_value)
     VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $8, $9)
     RETURNING *`,
    [
      table.id,
      table.workspace,
      table.schema_id,
      table.name,
      JSON.stringify(table.file_ids),
      table.webhook_url ?? null,
      table.webhook_secret ?? null,
      table.webhook_auth_header_name ?? null,
      table.webhook_auth_header_value ?? null,
    ],
  );
  return rows[0] as TableRow;
}

/** Reads a table of a workspace; `forUpdate` locks the row until the transaction ends. */
export async function findTable(
  db: Queryable,
  options: { workspace: string; tableId: string; forUpdate?: boolean },
): Promise<TableRow | null> {
  const rows = await db.query<TableRow>(
    `SELECT * FROM tables WHERE id = $1 AND workspace = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [options.tableId, options.workspace],
  );
  return rows[0] ?? null;
}

/** Reads one page of a workspace's tables, newest first, starting after the `cursor` id. */
export async function listTables(
  db: Queryable,
  options: {
    workspace: string;
    status?: TableStatus | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<TableRow[]> {
  return db.query<TableRow>(
    `SELECT * FROM tables
     WHERE workspace = $1
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR id < $3)
     ORDER BY id DESC
     LIMIT $4`,
    [options.workspace, options.status ?? null, options.cursor ?? null, options.limit],
  );
}

/** Records the end of a table's processing. */
export async function finishTable(
  db: Queryable,
  options: {
    tableId: string;
    status: 'completed' | 'failed';
    totalRows?: number;
    error?: TableError;
  },
): Promise<TableRow> {
  const rows = await db.query<TableRow>(
    `UPDATE tables SET status = $2, total_rows = $3, error = $4, finished_at = now()
     WHERE id = $1 RETURNING *`,
    [
      options.tableId,
      options.status,
      options.totalRows ?? null,
      options.error === undefined ? null : JSON.stringify(options.error),
    ],
  );
  return rows[0] as TableRow;
}
