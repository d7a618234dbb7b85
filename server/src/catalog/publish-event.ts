import { isDeepStrictEqual } from 'node:util';

import {
  FAN_OUT_WORKFLOW,
  fanOutWorkflowId,
  serializeWebhookBody,
  type FanOutWorkflowInput,
  type PublishedEvent,
  type PublishEventInput,
} from '@lasso/contracts';

import { ApiError } from '../errors.js';
import { generateId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { withStartDeadline } from '../temporal/start-deadline.js';
import { requireEventDataWithinLimit } from './event-data-size.js';
import {
  claimIdempotencyKey,
  findEventByIdempotencyKey,
  findPublishedEvent,
  insertPublishedEvent,
  type PublishedEventRow,
} from './published-events-store.js';

function toPublishedEvent(row: PublishedEventRow, duplicate: boolean): PublishedEvent {
  return {
    id: row.id,
    event: row.event,
    idempotency_key: row.idempotency_key,
    created_at: row.created_at.toISOString(),
    duplicate,
  };
}

/**
 * Stores a catalog event with its body bytes fixed once and starts its fan-out workflow, which
 * delivers it to every matching subscription. A key already used by an event of the last 24 hours
 * returns that event and starts nothing. Reusing the key for another event or data is a conflict.
 *
 * The workflow starts before the event is stored, so the database is never held while Temporal
 * responds: PGlite has one connection, and a transaction waiting on a start would stall every other
 * request and attempt. The fan-out's first activity retries until the event is visible. When the
 * event is not stored after all, the workflow is terminated here, or it ends by itself once those
 * retries run out.
 */
export async function publishCatalogEvent(
  deps: ServiceDeps,
  options: { workspace: string; input: PublishEventInput },
): Promise<PublishedEvent> {
  const { input, workspace } = options;
  requireEventDataWithinLimit(input.data);

  // A retried publish returns the earlier event without starting a workflow for it.
  if (input.idempotency_key !== undefined) {
    const earlier = await findEventByIdempotencyKey(deps.db, {
      workspace,
      key: input.idempotency_key,
    });
    if (earlier !== null) {
      requireSameEvent(earlier, input);
      return toPublishedEvent(earlier, true);
    }
  }

  const eventId = generateId('event');
  const workflowInput: FanOutWorkflowInput = { eventId };
  // A start that times out on this side may still have been made on the server. Its fan-out finds
  // no event and ends by itself; a terminate here would keep the caller waiting on a server that
  // is not responding.
  const starter = deps.localWorkerClient ?? deps.temporal;
  await withStartDeadline(starter, () =>
    starter.workflow.start(FAN_OUT_WORKFLOW.type, {
      workflowId: fanOutWorkflowId(eventId),
      taskQueue: deps.taskQueue,
      args: [workflowInput],
      requestEagerStart: deps.localWorkerClient !== undefined,
      staticSummary: `${input.event} to the subscriptions of workspace ${workspace}`,
    }),
  );

  let stored: PublishedEvent;
  try {
    stored = await storeEvent(deps, { workspace, input, eventId });
  } catch (error) {
    await stopUnusedFanOut(deps, eventId, 'the event could not be stored');
    throw error;
  }
  if (stored.duplicate) {
    // A concurrent publish with the same key stored its event first.
    await stopUnusedFanOut(deps, eventId, `the idempotency key belongs to event ${stored.id}`);
  }
  return stored;
}

/**
 * Stores the event unless its idempotency key was claimed meanwhile; then returns that event. One
 * transaction even without a key: PGlite queues it whole, ahead of the fan-out's first read.
 */
async function storeEvent(
  deps: ServiceDeps,
  options: { workspace: string; input: PublishEventInput; eventId: string },
): Promise<PublishedEvent> {
  const { input, workspace, eventId } = options;

  return deps.db.transaction(async (tx) => {
    // The database's clock, which also stamps subscriptions, so the fan-out can tell which
    // subscriptions existed when the event was published.
    const [clock] = await tx.query<{ now: Date }>('SELECT now() AS now');
    const now = (clock as { now: Date }).now;

    if (input.idempotency_key !== undefined) {
      const holderId = await claimIdempotencyKey(tx, {
        workspace,
        key: input.idempotency_key,
        eventId,
        now,
      });
      if (holderId !== eventId) {
        const earlier = (await findPublishedEvent(tx, holderId)) as PublishedEventRow;
        requireSameEvent(earlier, input);
        return toPublishedEvent(earlier, true);
      }
    }

    const row: PublishedEventRow = {
      id: eventId,
      workspace,
      event: input.event,
      body: serializeWebhookBody(input.event, now, input.data),
      idempotency_key: input.idempotency_key ?? null,
      created_at: now,
    };
    await insertPublishedEvent(tx, row);
    return toPublishedEvent(row, false);
  });
}

/**
 * Terminates the fan-out of an event that was not stored. Best effort: a workflow left running
 * finds no event and fails on its own once its first activity stops retrying.
 */
async function stopUnusedFanOut(deps: ServiceDeps, eventId: string, reason: string) {
  try {
    await withStartDeadline(deps.temporal, () =>
      deps.temporal.workflow.getHandle(fanOutWorkflowId(eventId)).terminate(reason),
    );
  } catch (error) {
    // The workflow ends by itself; the caller's own error matters more, so this one is only logged.
    deps.logger.warn('could not terminate an unused fan-out; it ends by itself', {
      eventId,
      reason,
      error: String(error),
    });
  }
}

function requireSameEvent(earlier: PublishedEventRow, input: PublishEventInput): void {
  // Both sides go through JSON, so values that serialize alike (such as 0 and -0) compare equal.
  const earlierData = (JSON.parse(earlier.body) as { data: unknown }).data;
  const sentData = JSON.parse(JSON.stringify(input.data)) as unknown;
  if (earlier.event === input.event && isDeepStrictEqual(earlierData, sentData)) {
    return;
  }

  throw new ApiError(
    'conflict',
    `idempotency_key: was used for event ${earlier.id} with another event or data in the last 24 hours; send a new key for a new event`,
    {
      issues: [
        {
          field: 'idempotency_key',
          message: `was used for event ${earlier.id} with another event or data`,
        },
      ],
    },
  );
}
