import { z } from 'zod';

import {
  CATALOG_EVENTS,
  catalogEventNameSchema,
  EVENT_DATA_SCHEMAS,
  type CatalogEventName,
} from './events.js';
import { expected } from './messages.js';

/** Hours during which publishing with the same idempotency key returns the first event again. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Key a publisher sends so that retrying a publish within 24 hours creates no second event. */
export const idempotencyKeySchema = z
  .string(expected('must be a string'))
  .min(1, 'must not be empty')
  .max(MAX_IDEMPOTENCY_KEY_LENGTH, `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);

function publishInputOf<Name extends CatalogEventName>(name: Name) {
  return z.strictObject({
    event: z.literal(name),
    data: EVENT_DATA_SCHEMAS[name],
    idempotency_key: idempotencyKeySchema.optional(),
  });
}

/**
 * Input of `events.publish`: one catalog event, discriminated on `event`, so a `data` that does not
 * fit its event is reported by the path of the field, such as `data.product_id`.
 */
export const publishEventInputSchema = z.discriminatedUnion(
  'event',
  [
    publishInputOf('product.created'),
    publishInputOf('product.updated'),
    publishInputOf('product.deleted'),
    publishInputOf('attribute.created'),
    publishInputOf('attribute.updated'),
    publishInputOf('attribute.deleted'),
  ],
  {
    // zod's own message for a bad discriminator does not list the valid events. The issue's input
    // is the whole object, so its `event` field separates a missing event from an unknown one.
    error: (issue) => {
      if (issue.code !== 'invalid_union') {
        return undefined;
      }
      const sent =
        typeof issue.input === 'object' && issue.input !== null
          ? (issue.input as { event?: unknown }).event
          : undefined;
      return sent === undefined ? 'is required' : `must be one of ${CATALOG_EVENTS.join(', ')}`;
    },
  },
);

export type PublishEventInput = z.infer<typeof publishEventInputSchema>;

/** Output of `events.publish`: the stored event. Its deliveries are fanned out in the background. */
export const publishedEventSchema = z.object({
  id: z.string(),
  event: catalogEventNameSchema,
  idempotency_key: z.string().nullable(),
  /** When the event was published; the `timestamp` of the body every subscriber gets. */
  created_at: z.string(),
  /** True when the idempotency key matched an event of the last 24 hours, which is returned instead. */
  duplicate: z.boolean(),
});

export type PublishedEvent = z.infer<typeof publishedEventSchema>;
