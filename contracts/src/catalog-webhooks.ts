import { z } from 'zod';

import { CATALOG_EVENTS, catalogEventNameSchema } from './events.js';
import { catalogWebhookIdSchema } from './id-schemas.js';
import { expected } from './messages.js';
import { pageInputShape, pageSchema } from './pagination.js';
import {
  authHeaderNameSchema,
  authHeaderValueSchema,
  requireHeaderPair,
  webhookSecretSchema,
  webhookUrlSchema,
} from './webhook-target.js';

export const MAX_DESCRIPTION_LENGTH = 500;

/** Events a subscription receives: a non-empty list of catalog events, each named once. */
export const subscribedEventsSchema = z
  .array(
    catalogEventNameSchema,
    expected(`must be an array of event names from ${CATALOG_EVENTS.join(', ')}`),
  )
  .min(1, 'must contain at least one event')
  .superRefine((events, context) => {
    const seen = new Set<string>();
    for (const [index, event] of events.entries()) {
      if (seen.has(event)) {
        context.addIssue({ code: 'custom', path: [index], message: `must not repeat ${event}` });
      }
      seen.add(event);
    }
  });

const descriptionSchema = z
  .string(expected('must be a string'))
  .trim()
  .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);

const enabledSchema = z.boolean(expected('must be true or false'));

const headerPairFields = { name: 'auth_header_name', value: 'auth_header_value' };

/** Input of `catalogWebhooks.create`. */
export const createCatalogWebhookInputSchema = z
  .strictObject({
    url: webhookUrlSchema,
    events: subscribedEventsSchema,
    secret: webhookSecretSchema.optional(),
    auth_header_name: authHeaderNameSchema.optional(),
    auth_header_value: authHeaderValueSchema.optional(),
    description: descriptionSchema.optional(),
    enabled: enabledSchema.default(true),
  })
  .superRefine((input, context) => requireHeaderPair(input, context, headerPairFields));

export type CreateCatalogWebhookInput = z.input<typeof createCatalogWebhookInputSchema>;

/**
 * Input of `catalogWebhooks.update`: only the fields given change. `null` removes the secret, the
 * description or the auth header. The header name and value are given together, also to rotate
 * the value.
 */
export const updateCatalogWebhookInputSchema = z
  .strictObject({
    webhook_id: catalogWebhookIdSchema,
    url: webhookUrlSchema.optional(),
    events: subscribedEventsSchema.optional(),
    secret: webhookSecretSchema.nullable().optional(),
    auth_header_name: authHeaderNameSchema.nullable().optional(),
    auth_header_value: authHeaderValueSchema.nullable().optional(),
    description: descriptionSchema.nullable().optional(),
    enabled: enabledSchema.optional(),
  })
  .superRefine((input, context) => {
    requireHeaderPair(input, context, headerPairFields);

    // Removing one half of the pair would leave a header without a value or a value without a name.
    if (input.auth_header_name === null && input.auth_header_value === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['auth_header_value'],
        message:
          'must be null when auth_header_name is null; the name and value are removed together',
      });
    }
    if (input.auth_header_value === null && input.auth_header_name === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['auth_header_name'],
        message:
          'must be null when auth_header_value is null; the name and value are removed together',
      });
    }
  });

export type UpdateCatalogWebhookInput = z.infer<typeof updateCatalogWebhookInputSchema>;

/** A catalog webhook subscription as the API returns it. The secret and the auth header value are write-only. */
export const catalogWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(catalogEventNameSchema),
  secret_set: z.boolean(),
  auth_header_name: z.string().nullable(),
  auth_header_value_set: z.boolean(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type CatalogWebhook = z.infer<typeof catalogWebhookSchema>;

/** Output of `catalogWebhooks.delete`: the subscription as deleted, with its secrets already erased. */
export const deletedCatalogWebhookSchema = catalogWebhookSchema.extend({
  deleted_at: z.string(),
  /** Pending deliveries whose workflows were sent the cancel signal. */
  cancelled_deliveries: z.number().int().nonnegative(),
});

export type DeletedCatalogWebhook = z.infer<typeof deletedCatalogWebhookSchema>;

export const catalogWebhookIdInputSchema = z.strictObject({ webhook_id: catalogWebhookIdSchema });
export type CatalogWebhookIdInput = z.infer<typeof catalogWebhookIdInputSchema>;

export const listCatalogWebhooksInputSchema = z.strictObject({ ...pageInputShape });
export type ListCatalogWebhooksInput = z.input<typeof listCatalogWebhooksInputSchema>;

export const catalogWebhookPageSchema = pageSchema(catalogWebhookSchema);
