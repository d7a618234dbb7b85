import {
  DELIVERY_WORKFLOW,
  deliveryWorkflowId,
  type DeliveryWorkflowInput,
  type EventName,
} from '@lasso/contracts';

import type { Queryable } from '../database/database.js';
import { generateId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { initialDeliverySearchAttributes } from '../temporal/search-attributes.js';
import { withStartDeadline } from '../temporal/start-deadline.js';
import { insertDelivery, type DeliveryRow } from './deliveries-store.js';

export interface StartDeliveryOptions {
  workspace: string;
  eventId: string;
  event: EventName;
  url: string;
  tableId?: string;
  webhookId?: string;
  replayOf?: string;
}

/**
 * Records a pending delivery in the open transaction `tx` and starts its workflow. Call it inside
 * the transaction so a failed start rolls the records back. The workflow's first activity waits
 * for the rows to be committed, because it may run before the commit lands.
 */
export async function startDelivery(
  tx: Queryable,
  deps: ServiceDeps,
  options: StartDeliveryOptions,
): Promise<DeliveryRow> {
  const deliveryId = generateId('delivery');
  const workflowId = deliveryWorkflowId(deliveryId);

  const delivery = await insertDelivery(tx, {
    id: deliveryId,
    workspace: options.workspace,
    eventId: options.eventId,
    event: options.event,
    ...(options.tableId !== undefined ? { tableId: options.tableId } : {}),
    ...(options.webhookId !== undefined ? { webhookId: options.webhookId } : {}),
    ...(options.replayOf !== undefined ? { replayOf: options.replayOf } : {}),
    url: options.url,
    workflowId,
  });

  const input: DeliveryWorkflowInput = { deliveryId };
  await withStartDeadline(deps.temporal, () =>
    deps.temporal.workflow.start(DELIVERY_WORKFLOW.type, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      staticSummary: `${options.event} to ${new URL(options.url).host}`,
      typedSearchAttributes: initialDeliverySearchAttributes(options),
    }),
  );

  return delivery;
}
