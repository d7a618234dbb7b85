import { z } from 'zod';

import { tableErrorSchema } from './events.js';
import { tableIdSchema } from './id-schemas.js';
import { pageInputShape, pageSchema } from './pagination.js';
import {
  authHeaderNameSchema,
  authHeaderValueSchema,
  requireHeaderPair,
  webhookSecretSchema,
  webhookUrlSchema,
} from './webhook-target.js';
import { expected } from './messages.js';

const shortTextSchema = z
  .string(expected('must be a string'))
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const TABLE_STATUSES = ['processing', 'completed', 'failed'] as const;
export const tableStatusSchema = z.enum(TABLE_STATUSES, {
  message: `must be one of ${TABLE_STATUSES.join(', ')}`,
});
export type TableStatus = z.infer<typeof tableStatusSchema>;

/** Input of `tables.create`. */
export const createTableInputSchema = z
  .strictObject({
    schema_id: shortTextSchema,
    name: shortTextSchema,
    file_ids: z
      .array(shortTextSchema, expected('must be an array of file ids'))
      .min(1, 'must contain at least one file id')
      .max(1000, 'must contain at most 1000 file ids'),
    webhook_url: webhookUrlSchema.optional(),
    webhook_secret: webhookSecretSchema.optional(),
    webhook_auth_header_name: authHeaderNameSchema.optional(),
    webhook_auth_header_value: authHeaderValueSchema.optional(),
  })
  .superRefine((input, context) => {
    requireHeaderPair(input, context, {
      name: 'webhook_auth_header_name',
      value: 'webhook_auth_header_value',
    });

    const hasWebhookSettings =
      input.webhook_secret !== undefined || input.webhook_auth_header_name !== undefined;
    if (hasWebhookSettings && input.webhook_url === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['webhook_url'],
        message: 'is required when a webhook secret or auth header is set',
      });
    }
  });

export type CreateTableInput = z.infer<typeof createTableInputSchema>;

/** A table as the API returns it; the secret and the auth header value are write-only. */
export const tableSchema = z.object({
  id: z.string(),
  schema_id: z.string(),
  name: z.string(),
  file_ids: z.array(z.string()),
  status: tableStatusSchema,
  total_rows: z.number().int().nullable(),
  error: tableErrorSchema.nullable(),
  webhook_url: z.string().nullable(),
  webhook_secret_set: z.boolean(),
  webhook_auth_header_name: z.string().nullable(),
  webhook_auth_header_value_set: z.boolean(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});

export type Table = z.infer<typeof tableSchema>;

export const tableIdInputSchema = z.strictObject({ table_id: tableIdSchema });
export type TableIdInput = z.infer<typeof tableIdInputSchema>;

export const listTablesInputSchema = z.strictObject({
  status: tableStatusSchema.optional(),
  ...pageInputShape,
});
export type ListTablesInput = z.input<typeof listTablesInputSchema>;

export const tablePageSchema = pageSchema(tableSchema);

/** Input of `tables.complete`: the processing service reports how many rows it extracted. */
export const completeTableInputSchema = z.strictObject({
  table_id: tableIdSchema,
  total_rows: z
    .number(expected('must be a whole number'))
    .int('must be a whole number')
    .nonnegative('must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large'),
});
export type CompleteTableInput = z.infer<typeof completeTableInputSchema>;

/** Input of `tables.fail`: the processing service reports why it failed. */
export const failTableInputSchema = z.strictObject({
  table_id: tableIdSchema,
  error: tableErrorSchema,
});
export type FailTableInput = z.infer<typeof failTableInputSchema>;
