/**
 * Procedures that change state and so are sent as tRPC mutations; every other procedure is a
 * query. A test checks this list against the server's router.
 */
export const MUTATION_PATHS: ReadonlySet<string> = new Set([
  'tables.create',
  'tables.complete',
  'tables.fail',
  'deliveries.cancel',
  'deliveries.replay',
  'deliveries.recover',
  'catalogWebhooks.create',
  'catalogWebhooks.update',
  'catalogWebhooks.delete',
  'events.publish',
]);
