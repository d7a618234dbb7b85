import { z } from 'zod';

import { catalogWebhookIdSchema, tableIdSchema } from './id-schemas.js';
import { expected } from './messages.js';

/** Largest number of replays one `deliveries.recover` call starts, and its default. */
export const MAX_RECOVER_LIMIT = 500;

const SINCE_MESSAGE =
  'must be an ISO 8601 date and time with Z or an offset, such as 2025-03-12T14:30:00Z';
const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_RECOVER_LIMIT}`;

/**
 * Input of `deliveries.recover`: the abandoned deliveries of exactly one table or one catalog
 * webhook, created at or after `since`, of which at most `limit` are replayed per call.
 */
export const recoverDeliveriesInputSchema = z
  .strictObject({
    table_id: tableIdSchema.optional(),
    webhook_id: catalogWebhookIdSchema.optional(),
    since: z.iso.datetime({ offset: true, ...expected(SINCE_MESSAGE) }),
    limit: z
      .number(expected(LIMIT_MESSAGE))
      .int(LIMIT_MESSAGE)
      .min(1, LIMIT_MESSAGE)
      .max(MAX_RECOVER_LIMIT, LIMIT_MESSAGE)
      .default(MAX_RECOVER_LIMIT),
  })
  .superRefine(
    (input, context) => {
      if (input.table_id === undefined && input.webhook_id === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['table_id'],
          message:
            'is required unless webhook_id is given; give exactly one of table_id and webhook_id',
        });
      }
      if (input.table_id !== undefined && input.webhook_id !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['webhook_id'],
          message: 'must not be given with table_id; give exactly one of table_id and webhook_id',
        });
      }
    },
    // Runs even when another field is invalid, so one response lists every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type RecoverDeliveriesInput = z.input<typeof recoverDeliveriesInputSchema>;

/**
 * Result of one `deliveries.recover` call. `started + skipped + remaining` is the number of
 * abandoned deliveries in scope, unless more were abandoned while the call ran.
 */
export const recoverDeliveriesResultSchema = z.object({
  /** Replays this call started, each a new delivery linked by `replay_of`. */
  started: z.number().int().nonnegative(),
  /** Abandoned deliveries in scope that this call left alone because each already has a replay. */
  skipped: z.number().int().nonnegative(),
  /** Abandoned deliveries in scope that still have no replay; call again until this is 0. */
  remaining: z.number().int().nonnegative(),
});

export type RecoverDeliveriesResult = z.infer<typeof recoverDeliveriesResultSchema>;
