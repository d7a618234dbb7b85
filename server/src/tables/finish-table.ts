import { serializeWebhookBody, type TableError } from '@lasso/contracts';

import { startDelivery } from '../deliveries/start-delivery.js';
import { insertEvent } from '../deliveries/deliveries-store.js';
import { ApiError, notFound } from '../errors.js';
import { generateId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { finishTable, findTable, type TableRow } from './tables-store.js';

export type TableOutcome =
  { status: 'completed'; totalRows: number } | { status: 'failed'; error: TableError };

/**
 * Records the end of a table's processing and fires `table.completed` or `table.failed` to its
 * webhook. Reporting the same end again changes nothing and sends nothing; the other end is a conflict.
 */
export async function finishTableAndNotify(
  deps: ServiceDeps,
  options: { workspace: string; tableId: string; outcome: TableOutcome },
): Promise<TableRow> {
  return deps.db.transaction(async (tx) => {
    const table = await findTable(tx, {
      workspace: options.workspace,
      tableId: options.tableId,
      forUpdate: true,
    });
    if (table === null) {
      throw notFound('Table', options.tableId);
    }

    if (table.status === options.outcome.status) {
      return table;
    }
    if (table.status !== 'processing') {
      throw new ApiError(
        'conflict',
        `Table ${table.id} has already ${table.status}; a table reports one end, completed or failed`,
      );
    }

    const finished = await finishTable(tx, {
      tableId: table.id,
      ...(options.outcome.status === 'completed'
        ? { status: 'completed', totalRows: options.outcome.totalRows }
        : { status: 'failed', error: options.outcome.error }),
    });
    if (finished.webhook_url === null) {
      return finished;
    }

    const event = options.outcome.status === 'completed' ? 'table.completed' : 'table.failed';
    const data =
      options.outcome.status === 'completed'
        ? { table_id: table.id, status: 'completed', total_rows: options.outcome.totalRows }
        : { table_id: table.id, status: 'failed', error: options.outcome.error };
    const timestamp = finished.finished_at ?? new Date();
    const eventId = generateId('event');

    await insertEvent(tx, {
      id: eventId,
      workspace: options.workspace,
      event,
      body: serializeWebhookBody(event, timestamp, data),
      tableId: table.id,
      createdAt: timestamp,
    });
    await startDelivery(tx, deps, {
      workspace: options.workspace,
      eventId,
      event,
      url: finished.webhook_url,
      tableId: table.id,
    });

    return finished;
  });
}
