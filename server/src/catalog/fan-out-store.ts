import { deliveryWorkflowId } from '@lasso/contracts';

import type { Database } from '../database/database.js';
import type { DeliveryRow } from '../deliveries/deliveries-store.js';
import { fanOutDeliveryId } from './fan-out-delivery-id.js';
import type { PublishedEventRow } from './published-events-store.js';

/** One page of a fan-out: the subscriptions read and the deliveries whose workflows must start. */
export interface FanOutPage {
  /** Subscriptions on this page, at most `pageSize`. */
  subscriptionCount: number;
  /** Id of the last subscription on this page, or null when the page is empty. */
  lastWebhookId: string | null;
  /** Pending deliveries of this page that have made no attempt yet, so their workflow may not be running. */
  deliveriesToStart: DeliveryRow[];
}

/**
 * Records the deliveries of an event to the next `pageSize` matching subscriptions after
 * `afterWebhookId`, in id order. A subscription matches when it is in the event's workspace,
 * enabled, not deleted, lists the event, and existed when the event was published. Delivery ids
 * come from (event, subscription), so running the same page again inserts nothing new. Two
 * statements and no transaction: each is atomic, and a page cut off between them runs again whole.
 */
export async function recordFanOutPage(
  db: Database,
  options: { event: PublishedEventRow; afterWebhookId: string | null; pageSize: number },
): Promise<FanOutPage> {
  const { event } = options;

  const subscriptions = await db.query<{ id: string; url: string }>(
    `SELECT id, url FROM catalog_webhooks
       WHERE workspace = $1 AND enabled AND deleted_at IS NULL AND $2 = ANY (events) AND created_at <= $3
         AND ($4::text IS NULL OR id > $4)
       ORDER BY id
       LIMIT $5`,
    [event.workspace, event.event, event.created_at, options.afterWebhookId, options.pageSize],
  );
  if (subscriptions.length === 0) {
    return { subscriptionCount: 0, lastWebhookId: null, deliveriesToStart: [] };
  }

  const deliveryIds = subscriptions.map((subscription) =>
    fanOutDeliveryId({
      eventId: event.id,
      webhookId: subscription.id,
      eventTime: event.created_at,
    }),
  );
  // The new rows come from RETURNING, the earlier ones from the table: within one statement the
  // table does not show the rows the same statement inserts. A delivery that has made an attempt
  // or has finished already has its workflow, so a late retry of this page starts only the others.
  const deliveriesToStart = await db.query<DeliveryRow>(
    `WITH inserted AS (
         INSERT INTO deliveries (id, workspace, event_id, event, webhook_id, url, status, workflow_id)
         SELECT delivery.id, $4, $5, $6, delivery.webhook_id, delivery.url, 'pending', delivery.workflow_id
         FROM unnest($1::text[], $2::text[], $3::text[], $7::text[]) AS delivery (id, webhook_id, url, workflow_id)
         ON CONFLICT (id) DO NOTHING
         RETURNING *
       )
       SELECT * FROM inserted
       UNION ALL
       SELECT * FROM deliveries
       WHERE id = ANY ($1::text[]) AND event_id = $5 AND status = 'pending' AND attempt_count = 0
       ORDER BY id`,
    [
      deliveryIds,
      subscriptions.map((subscription) => subscription.id),
      subscriptions.map((subscription) => subscription.url),
      event.workspace,
      event.id,
      event.event,
      deliveryIds.map(deliveryWorkflowId),
    ],
  );

  return {
    subscriptionCount: subscriptions.length,
    lastWebhookId: (subscriptions.at(-1) as { id: string }).id,
    deliveriesToStart,
  };
}
