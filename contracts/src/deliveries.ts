import { z } from 'zod';

import { eventNameSchema } from './events.js';
import {
  catalogWebhookIdSchema,
  deliveryIdSchema,
  eventIdSchema,
  tableIdSchema,
} from './id-schemas.js';
import { pageInputShape, pageSchema } from './pagination.js';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'abandoned', 'cancelled'] as const;
export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES, {
  message: `must be one of ${DELIVERY_STATUSES.join(', ')}`,
});
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const ATTEMPT_OUTCOMES = [
  'succeeded',
  'http_error',
  'timeout',
  'network_error',
  'blocked',
] as const;
export const attemptOutcomeSchema = z.enum(ATTEMPT_OUTCOMES);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

/** One HTTP attempt of a delivery. */
export const attemptSchema = z.object({
  number: z.number().int().min(1).max(4),
  delivery_attempt_id: z.string(),
  url: z.string(),
  started_at: z.string(),
  duration_ms: z.number().int().nonnegative(),
  status_code: z.number().int().nullable(),
  outcome: attemptOutcomeSchema,
  error: z.string().nullable(),
  response_body: z.string().nullable(),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** One event sent to one endpoint, with the link to its workflow in the Temporal Web UI. */
export const deliverySchema = z.object({
  id: z.string(),
  event: eventNameSchema,
  event_id: z.string(),
  table_id: z.string().nullable(),
  webhook_id: z.string().nullable(),
  url: z.string(),
  status: deliveryStatusSchema,
  attempt_count: z.number().int().nonnegative(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  replay_of: z.string().nullable(),
  workflow_id: z.string(),
  temporal_ui_url: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryWithAttemptsSchema = deliverySchema.extend({
  attempts: z.array(attemptSchema),
});
export type DeliveryWithAttempts = z.infer<typeof deliveryWithAttemptsSchema>;

export const listDeliveriesInputSchema = z.strictObject({
  table_id: tableIdSchema.optional(),
  webhook_id: catalogWebhookIdSchema.optional(),
  event_id: eventIdSchema.optional(),
  event: eventNameSchema.optional(),
  status: deliveryStatusSchema.optional(),
  ...pageInputShape,
});
export type ListDeliveriesInput = z.input<typeof listDeliveriesInputSchema>;

export const deliveryPageSchema = pageSchema(deliverySchema);

export const deliveryIdInputSchema = z.strictObject({ delivery_id: deliveryIdSchema });
export type DeliveryIdInput = z.infer<typeof deliveryIdInputSchema>;
