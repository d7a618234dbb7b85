import {
  completeTableInputSchema,
  createTableInputSchema,
  failTableInputSchema,
  listTablesInputSchema,
  tableIdInputSchema,
  tablePageSchema,
  tableSchema,
} from '@lasso/contracts';

import { notFound } from '../errors.js';
import { generateId } from '../ids.js';
import { sealSecretFields } from '../secrets/seal-secret-fields.js';
import { finishTableAndNotify } from '../tables/finish-table.js';
import { findTable, insertTable, listTables, toTable } from '../tables/tables-store.js';
import { authedProcedure, router } from '../trpc/init.js';

export const tablesRouter = router({
  create: authedProcedure
    .input(createTableInputSchema)
    .output(tableSchema)
    .mutation(async ({ ctx, input }) => {
      const sealed = sealSecretFields(ctx.deps.secrets, input, [
        'webhook_secret',
        'webhook_auth_header_value',
      ]);
      const row = await insertTable(ctx.deps.db, {
        id: generateId('table'),
        workspace: ctx.workspace,
        ...sealed,
      });
      return toTable(row);
    }),

  get: authedProcedure
    .input(tableIdInputSchema)
    .output(tableSchema)
    .query(async ({ ctx, input }) => {
      const row = await findTable(ctx.deps.db, {
        workspace: ctx.workspace,
        tableId: input.table_id,
      });
      if (row === null) {
        throw notFound('Table', input.table_id);
      }
      return toTable(row);
    }),

  list: authedProcedure
    .input(listTablesInputSchema)
    .output(tablePageSchema)
    .query(async ({ ctx, input }) => {
      // One row more than the page tells whether another page follows.
      const rows = await listTables(ctx.deps.db, {
        workspace: ctx.workspace,
        status: input.status,
        cursor: input.cursor,
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      return {
        data: page.map(toTable),
        next_cursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),

  complete: authedProcedure
    .input(completeTableInputSchema)
    .output(tableSchema)
    .mutation(async ({ ctx, input }) => {
      const row = await finishTableAndNotify(ctx.deps, {
        workspace: ctx.workspace,
        tableId: input.table_id,
        outcome: { status: 'completed', totalRows: input.total_rows },
      });
      return toTable(row);
    }),

  fail: authedProcedure
    .input(failTableInputSchema)
    .output(tableSchema)
    .mutation(async ({ ctx, input }) => {
      const row = await finishTableAndNotify(ctx.deps, {
        workspace: ctx.workspace,
        tableId: input.table_id,
        outcome: { status: 'failed', error: input.error },
      });
      return toTable(row);
    }),
});
