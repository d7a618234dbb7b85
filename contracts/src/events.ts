import { z } from 'zod';
import { expected } from './messages.js';

/** Events about tables. */
export const TABLE_EVENTS = ['table.completed', 'table.failed'] as const;

/** Events about the catalog that subscriptions can choose from. */
export const CATALOG_EVENTS = [
  'product.created',
  'product.updated',
  'product.deleted',
  'attribute.created',
  'attribute.updated',
  'attribute.deleted',
] as const;

export const EVENT_NAMES = [...TABLE_EVENTS, ...CATALOG_EVENTS] as const;

export const eventNameSchema = z.enum(EVENT_NAMES, {
  message: `must be one of ${EVENT_NAMES.join(', ')}`,
});
export const tableEventNameSchema = z.enum(TABLE_EVENTS);
export const catalogEventNameSchema = z.enum(CATALOG_EVENTS, {
  message: `must be one of ${CATALOG_EVENTS.join(', ')}`,
});

export type EventName = z.infer<typeof eventNameSchema>;
export type TableEventName = z.infer<typeof tableEventNameSchema>;
export type CatalogEventName = z.infer<typeof catalogEventNameSchema>;

/** Error a table's processing ended with. */
export const tableErrorSchema = z.strictObject(
  {
    code: z
      .string(expected('must be a string'))
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
    message: z
      .string(expected('must be a string'))
      .min(1, 'must not be empty')
      .max(2000, 'must be at most 2000 characters'),
  },
  expected('must be an object with code and message'),
);

export type TableError = z.infer<typeof tableErrorSchema>;

const catalogObjectSchema = z.record(z.string(), z.unknown(), expected('must be a JSON object'));
const catalogIdSchema = z
  .string(expected('must be a string'))
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const tableCompletedDataSchema = z.object({
  table_id: z.string(),
  status: z.literal('completed'),
  total_rows: z.number().int().nonnegative(),
});

export const tableFailedDataSchema = z.object({
  table_id: z.string(),
  status: z.literal('failed'),
  error: tableErrorSchema,
});

export const productDataSchema = z.strictObject(
  {
    product_id: catalogIdSchema,
    product: catalogObjectSchema,
  },
  expected('must be an object with product_id and product'),
);

export const productUpdatedDataSchema = productDataSchema.extend({
  previous_attributes: catalogObjectSchema.optional(),
});

export const attributeDataSchema = z.strictObject(
  {
    attribute_id: catalogIdSchema,
    attribute: catalogObjectSchema,
  },
  expected('must be an object with attribute_id and attribute'),
);

export const attributeUpdatedDataSchema = attributeDataSchema.extend({
  previous_attributes: catalogObjectSchema.optional(),
});

/** `data` schema of each event type. */
export const EVENT_DATA_SCHEMAS = {
  'table.completed': tableCompletedDataSchema,
  'table.failed': tableFailedDataSchema,
  'product.created': productDataSchema,
  'product.updated': productUpdatedDataSchema,
  'product.deleted': productDataSchema,
  'attribute.created': attributeDataSchema,
  'attribute.updated': attributeUpdatedDataSchema,
  'attribute.deleted': attributeDataSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type EventData<Name extends EventName> = z.infer<(typeof EVENT_DATA_SCHEMAS)[Name]>;

// ISO 8601 in UTC with milliseconds, as Date.prototype.toISOString writes it.
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const timestampSchema = z
  .string()
  .regex(TIMESTAMP_PATTERN, 'must be an ISO 8601 UTC time with milliseconds');

function envelopeSchema<Name extends EventName>(name: Name) {
  return z.object({
    event: z.literal(name),
    timestamp: timestampSchema,
    data: EVENT_DATA_SCHEMAS[name],
  });
}

/** The body a receiver gets, discriminated on `event`. */
export const webhookPayloadSchema = z.discriminatedUnion('event', [
  envelopeSchema('table.completed'),
  envelopeSchema('table.failed'),
  envelopeSchema('product.created'),
  envelopeSchema('product.updated'),
  envelopeSchema('product.deleted'),
  envelopeSchema('attribute.created'),
  envelopeSchema('attribute.updated'),
  envelopeSchema('attribute.deleted'),
]);

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** The body of one event type. */
export type WebhookPayloadOf<Name extends EventName> = Extract<WebhookPayload, { event: Name }>;

/**
 * Serializes an event into the exact body bytes every attempt sends: `event`, `timestamp`, `data`,
 * in that order.
 */
export function serializeWebhookBody(event: EventName, timestamp: Date, data: unknown): string {
  return JSON.stringify({ event, timestamp: timestamp.toISOString(), data });
}
