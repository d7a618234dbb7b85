import { createCallerFactory, router } from '../trpc/init.js';
import { deliveriesRouter } from './deliveries-router.js';
import { tablesRouter } from './tables-router.js';
import { catalogWebhooksRouter } from './catalog-webhooks-router.js';
import { eventsRouter } from './events-router.js';

export const appRouter = router({
  tables: tablesRouter,
  deliveries: deliveriesRouter,
  catalogWebhooks: catalogWebhooksRouter,
  events: eventsRouter,
});

/** Type of the whole API, imported by the typed client. */
export type AppRouter = typeof appRouter;

/** Makes a server-side caller of every procedure, used by the JSON routes and by tests. */
export const createAppCaller = createCallerFactory(appRouter);
export type AppCaller = ReturnType<typeof createAppCaller>;
