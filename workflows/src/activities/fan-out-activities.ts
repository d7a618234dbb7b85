import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';

import {
  DELIVERY_WORKFLOW,
  FAN_OUT_MISSING_EVENT_TRIES,
  type DeliveryWorkflowInput,
  type FanOutPageInput,
  type FanOutPageResult,
} from '@lasso/contracts';
import {
  findPublishedEvent,
  initialDeliverySearchAttributes,
  recordFanOutPage,
  type Database,
  type DeliveryRow,
} from '@lasso/server';

import type { FanOutActivities } from './fan-out-types.js';

export interface FanOutActivityDeps {
  db: Database;
  /** Starts the delivery workflows, on the task queue of the worker that runs the activity. */
  temporal: Client;
  /**
   * Ask the server to hand each new workflow's first task back through this client's connection;
   * only for a client on the worker's own NativeConnection.
   */
  eagerStart?: boolean;
}

/** Builds the fan-out activities around their dependencies. */
export function createFanOutActivities(deps: FanOutActivityDeps): FanOutActivities {
  return {
    /**
     * Records the deliveries of one page of subscriptions and starts their workflows. Safe to run
     * again after a crash at any point: delivery ids and workflow ids come from (event,
     * subscription), the rows are inserted only once, and a workflow id that was already started
     * is left alone.
     */
    async fanOutPage(input: FanOutPageInput): Promise<FanOutPageResult> {
      const context = Context.current();

      const event = await findPublishedEvent(deps.db, input.eventId);
      if (event === null) {
        const message = `event ${input.eventId} is not in the database`;
        // The API starts the fan-out before it stores the event, so a page can run first.
        if (context.info.attempt < FAN_OUT_MISSING_EVENT_TRIES) {
          throw ApplicationFailure.retryable(message, 'EventNotFound');
        }
        throw ApplicationFailure.nonRetryable(
          `${message}; its publish was rolled back`,
          'EventNotFound',
        );
      }

      const page = await recordFanOutPage(deps.db, {
        event,
        afterWebhookId: input.afterWebhookId,
        pageSize: input.pageSize,
      });

      const started = await Promise.all(
        page.deliveriesToStart.map(async (delivery) => {
          const didStart = await startDeliveryWorkflow(deps, delivery, context.info.taskQueue);
          // A page that runs as an activity task reports progress; a local one has no heartbeat.
          if (!context.info.isLocal) {
            context.heartbeat();
          }
          return didStart;
        }),
      );
      const deliveriesStarted = started.filter(Boolean).length;

      context.log.info('fan-out page', {
        eventId: input.eventId,
        afterWebhookId: input.afterWebhookId,
        subscriptions: page.subscriptionCount,
        deliveriesStarted,
        alreadyStarted: started.length - deliveriesStarted,
      });
      return {
        subscriptions: page.subscriptionCount,
        deliveriesStarted,
        lastWebhookId: page.lastWebhookId,
      };
    },
  };
}

/** Starts a delivery's workflow; returns false when a workflow with its id was started before. */
async function startDeliveryWorkflow(
  deps: FanOutActivityDeps,
  delivery: DeliveryRow,
  taskQueue: string,
): Promise<boolean> {
  const input: DeliveryWorkflowInput = { deliveryId: delivery.id };
  try {
    await deps.temporal.workflow.start(DELIVERY_WORKFLOW.type, {
      workflowId: delivery.workflow_id,
      taskQueue,
      args: [input],
      requestEagerStart: deps.eagerStart ?? false,
      // A closed workflow with this id means the delivery already ran; it must not run twice.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${delivery.event} to ${new URL(delivery.url).host}`,
      typedSearchAttributes: initialDeliverySearchAttributes({
        workspace: delivery.workspace,
        event: delivery.event,
        webhookId: delivery.webhook_id ?? undefined,
      }),
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return false;
    }
    throw error;
  }
}
