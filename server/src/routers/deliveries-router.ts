import {
  deliveryIdInputSchema,
  deliveryPageSchema,
  deliverySchema,
  deliveryWithAttemptsSchema,
  listDeliveriesInputSchema,
  recoverDeliveriesInputSchema,
  recoverDeliveriesResultSchema,
} from '@lasso/contracts';

import { cancelDelivery } from '../deliveries/cancel-delivery.js';
import {
  findDelivery,
  listAttempts,
  listDeliveries,
  toAttempt,
} from '../deliveries/deliveries-store.js';
import { recoverDeliveries } from '../deliveries/recover-deliveries.js';
import { replayDelivery } from '../deliveries/replay-delivery.js';
import { toDelivery } from '../deliveries/to-delivery.js';
import { notFound } from '../errors.js';
import { authedProcedure, router } from '../trpc/init.js';

export const deliveriesRouter = router({
  list: authedProcedure
    .input(listDeliveriesInputSchema)
    .output(deliveryPageSchema)
    .query(async ({ ctx, input }) => {
      // One row more than the page tells whether another page follows.
      const rows = await listDeliveries(ctx.deps.db, {
        workspace: ctx.workspace,
        tableId: input.table_id,
        webhookId: input.webhook_id,
        eventId: input.event_id,
        event: input.event,
        status: input.status,
        cursor: input.cursor,
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      return {
        data: page.map((row) => toDelivery(row, ctx.deps)),
        next_cursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),

  get: authedProcedure
    .input(deliveryIdInputSchema)
    .output(deliveryWithAttemptsSchema)
    .query(async ({ ctx, input }) => {
      const row = await findDelivery(ctx.deps.db, {
        workspace: ctx.workspace,
        deliveryId: input.delivery_id,
      });
      if (row === null) {
        throw notFound('Delivery', input.delivery_id);
      }
      const attempts = await listAttempts(ctx.deps.db, row.id);
      return { ...toDelivery(row, ctx.deps), attempts: attempts.map(toAttempt) };
    }),

  cancel: authedProcedure
    .input(deliveryIdInputSchema)
    .output(deliverySchema)
    .mutation(async ({ ctx, input }) => {
      const row = await cancelDelivery(ctx.deps, {
        workspace: ctx.workspace,
        deliveryId: input.delivery_id,
      });
      return toDelivery(row, ctx.deps);
    }),

  replay: authedProcedure
    .input(deliveryIdInputSchema)
    .output(deliverySchema)
    .mutation(async ({ ctx, input }) => {
      const row = await replayDelivery(ctx.deps, {
        workspace: ctx.workspace,
        deliveryId: input.delivery_id,
      });
      return toDelivery(row, ctx.deps);
    }),

  recover: authedProcedure
    .input(recoverDeliveriesInputSchema)
    .output(recoverDeliveriesResultSchema)
    .mutation(({ ctx, input }) =>
      recoverDeliveries(ctx.deps, {
        workspace: ctx.workspace,
        tableId: input.table_id,
        webhookId: input.webhook_id,
        since: new Date(input.since),
        limit: input.limit,
      }),
    ),
});
