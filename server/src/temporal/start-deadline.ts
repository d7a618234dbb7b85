import type { Client } from '@temporalio/client';

/**
 * Maximum time a workflow start (or another call an API request waits on) may take. Without a
 * deadline, the default gRPC retry of @temporalio/client 1.24 tries an unreachable server for about
 * 20 s. A start made inside a database transaction would keep PGlite's single connection that long
 * and stall every other request.
 */
export const WORKFLOW_START_DEADLINE_MS = 5_000;

/**
 * Runs `start` with a gRPC deadline of WORKFLOW_START_DEADLINE_MS. A start that misses it throws the
 * client's ServiceError (DEADLINE_EXCEEDED or UNAVAILABLE), which the API serves as a 503.
 */
export function withStartDeadline<Result>(
  temporal: Client,
  start: () => Promise<Result>,
): Promise<Result> {
  return temporal.connection.withDeadline(Date.now() + WORKFLOW_START_DEADLINE_MS, start);
}
