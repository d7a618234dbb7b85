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
 */
export async function publishCatalogEvent(
  deps: ServiceDeps,
  options: { workspace: string; input: PublishEventInput },
): Promise<PublishedEvent> {
  const { input, workspace } = options;
  requireEventDataWithinLimit(input.data);

  return deps.db.transaction(async (tx) => {
    // The database's clock, which also stamps subscriptions, so the fan-out can tell which
    // subscriptions existed when the event was published.
    const [clock] = await tx.query<{ now: Date }>('SELECT now() AS now');
    const now = (clock as { now: Date }).now;
    const eventId = generateId('event');

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

    // Started inside the transaction, so a failed start stores nothing. The workflow's first
    // activity waits for the commit, because it may run before the commit lands.
    const workflowInput: FanOutWorkflowInput = { eventId };
    await withStartDeadline(deps.temporal, () =>
      deps.temporal.workflow.start(FAN_OUT_WORKFLOW.type, {
        workflowId: fanOutWorkflowId(eventId),
        taskQueue: deps.taskQueue,
        args: [workflowInput],
        staticSummary: `${input.event} to the subscriptions of workspace ${workspace}`,
      }),
    );

    return toPublishedEvent(row, false);
  });
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
