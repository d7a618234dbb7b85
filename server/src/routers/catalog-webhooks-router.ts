import {
  catalogWebhookIdInputSchema,
  catalogWebhookPageSchema,
  catalogWebhookSchema,
  createCatalogWebhookInputSchema,
  deletedCatalogWebhookSchema,
  listCatalogWebhooksInputSchema,
  updateCatalogWebhookInputSchema,
} from '@lasso/contracts';

import {
  findCatalogWebhook,
  insertCatalogWebhook,
  listCatalogWebhooks,
  toCatalogWebhook,
  updateCatalogWebhook,
} from '../catalog/catalog-webhooks-store.js';
import { deleteCatalogWebhook } from '../catalog/delete-catalog-webhook.js';
import { notFound } from '../errors.js';
import { generateId } from '../ids.js';
import { sealSecretFields } from '../secrets/seal-secret-fields.js';
import { authedProcedure, router } from '../trpc/init.js';

export const catalogWebhooksRouter = router({
  create: authedProcedure
    .input(createCatalogWebhookInputSchema)
    .output(catalogWebhookSchema)
    .mutation(async ({ ctx, input }) => {
      const row = await insertCatalogWebhook(ctx.deps.db, {
        id: generateId('catalogWebhook'),
        workspace: ctx.workspace,
        ...sealSecretFields(ctx.deps.secrets, input, ['secret', 'auth_header_value']),
      });
      return toCatalogWebhook(row);
    }),

  list: authedProcedure
    .input(listCatalogWebhooksInputSchema)
    .output(catalogWebhookPageSchema)
    .query(async ({ ctx, input }) => {
      // Reading one row past the page shows whether another page follows.
      const rows = await listCatalogWebhooks(ctx.deps.db, {
        workspace: ctx.workspace,
        cursor: input.cursor,
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      return {
        data: page.map(toCatalogWebhook),
        next_cursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),

  get: authedProcedure
    .input(catalogWebhookIdInputSchema)
    .output(catalogWebhookSchema)
    .query(async ({ ctx, input }) => {
      const row = await findCatalogWebhook(ctx.deps.db, {
        workspace: ctx.workspace,
        webhookId: input.webhook_id,
      });
      if (row === null) {
        throw notFound('Catalog webhook', input.webhook_id);
      }
      return toCatalogWebhook(row);
    }),

  // Disabling keeps pending deliveries going: they carry events from while the subscription was
  // enabled. Deleting cancels them; a single delivery can be cancelled on its own.
  update: authedProcedure
    .input(updateCatalogWebhookInputSchema)
    .output(catalogWebhookSchema)
    .mutation(async ({ ctx, input }) => {
      const changes = sealSecretFields(ctx.deps.secrets, input, ['secret', 'auth_header_value']);
      const row = await updateCatalogWebhook(ctx.deps.db, { workspace: ctx.workspace, changes });
      if (row === null) {
        throw notFound('Catalog webhook', input.webhook_id);
      }
      return toCatalogWebhook(row);
    }),

  delete: authedProcedure
    .input(catalogWebhookIdInputSchema)
    .output(deletedCatalogWebhookSchema)
    .mutation(({ ctx, input }) =>
      deleteCatalogWebhook(ctx.deps, { workspace: ctx.workspace, webhookId: input.webhook_id }),
    ),
});
