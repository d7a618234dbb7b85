import {
  condition,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';

import {
  DELIVERY_SEARCH_ATTRIBUTES,
  DELIVERY_WORKFLOW,
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  type DeliveryWorkflowInput,
  type DeliveryWorkflowState,
} from '@lasso/contracts/delivery-workflow';

import type { DeliveryActivities } from '../activities/attempt-types.js';

const statusSearchAttribute = defineSearchAttributeKey(
  DELIVERY_SEARCH_ATTRIBUTES.status,
  'KEYWORD',
);

export const cancelSignal = defineSignal(DELIVERY_WORKFLOW.cancelSignal);
export const replaySignal = defineSignal(DELIVERY_WORKFLOW.replaySignal);
export const stateQuery = defineQuery<DeliveryWorkflowState>(DELIVERY_WORKFLOW.stateQuery);

// An endpoint's failure is a result of the activity, not an error, so these retries only cover the
// worker's own faults (database down, process killed) and never change the delivery schedule. The
// timeout leaves the 10-second request room for database writes; it is also how long an attempt cut
// off by a killed worker waits before it runs again.
const attemptOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const { attemptDelivery: attemptAsActivityTask, markDeliveryCancelled } =
  proxyActivities<DeliveryActivities>(attemptOptions);
// An attempt runs as a local activity: inside the workflow task on the worker that runs the
// workflow, with its result recorded in the history as a marker. That spares the server an activity
// task and a second workflow task per attempt. A worker that dies mid-attempt lets the workflow task
// time out, and the next worker repeats the attempt. Retries after the first wait on timers, so an
// attempt retried through a database outage holds no workflow task slot meanwhile.
// NOTE: an attempt to an endpoint that takes over 5 s makes the SDK log warning TMPRL1104 (workflow
// task duration exceeded 5 seconds); for a slow endpoint that is expected.
const { attemptDelivery: attemptAsLocalActivity } = proxyLocalActivities<DeliveryActivities>({
  ...attemptOptions,
  localRetryThreshold: '1 second',
});

// Workflows started before attempts ran as local activities keep running them as activity tasks.
const LOCAL_ATTEMPTS_PATCH = 'attempts-as-local-activities';

/**
 * Delivers one event to one endpoint: attempt 1 at once, then a retry 30 s, 5 min and 30 min after
 * each failure, on durable timers. The 4th failure abandons the delivery. A replay signal makes the
 * next attempt now; a cancel signal stops it before the next attempt.
 */
export async function deliveryWorkflow(
  input: DeliveryWorkflowInput,
): Promise<DeliveryWorkflowState> {
  const state: DeliveryWorkflowState = {
    deliveryId: input.deliveryId,
    status: 'pending',
    attemptsMade: 0,
    nextAttemptAt: null,
  };
  let cancelRequested = false;
  let replayRequested = false;

  setHandler(cancelSignal, () => {
    cancelRequested = true;
  });
  setHandler(replaySignal, () => {
    replayRequested = true;
  });
  setHandler(stateQuery, () => state);

  // Keeps the status search attribute in step with the delivery record, for Web UI searches.
  const finish = (status: DeliveryWorkflowState['status']) => {
    state.status = status;
    state.nextAttemptAt = null;
    upsertSearchAttributes([{ key: statusSearchAttribute, value: status }]);
    return state;
  };

  const attemptDelivery = patched(LOCAL_ATTEMPTS_PATCH)
    ? attemptAsLocalActivity
    : attemptAsActivityTask;

  for (let attemptNumber = 1; attemptNumber <= MAX_ATTEMPTS; attemptNumber++) {
    if (cancelRequested) {
      await markDeliveryCancelled({ deliveryId: input.deliveryId });
      log.info('delivery cancelled', {
        deliveryId: input.deliveryId,
        attemptsMade: state.attemptsMade,
      });
      return finish('cancelled');
    }

    const retryDelayMs = RETRY_DELAYS_MS[attemptNumber - 1] ?? null;
    state.nextAttemptAt = null;
    const result = await attemptDelivery({
      deliveryId: input.deliveryId,
      attemptNumber,
      deliveryAttemptId: `att_${uuid4().replaceAll('-', '')}`,
      retryDelayMs,
    });
    state.attemptsMade = attemptNumber;

    if (result.outcome === 'succeeded') {
      return finish('succeeded');
    }
    if (retryDelayMs === null) {
      log.info('delivery abandoned', { deliveryId: input.deliveryId, attemptsMade: attemptNumber });
      return finish('abandoned');
    }

    // A replay asked for while the attempt ran is spent by that attempt.
    replayRequested = false;
    state.nextAttemptAt = new Date(Date.now() + retryDelayMs).toISOString();
    await condition(() => cancelRequested || replayRequested, retryDelayMs);
  }

  // The loop returns on the last attempt; reaching this line means MAX_ATTEMPTS is out of step.
  throw new Error(`delivery ${input.deliveryId} ran past ${MAX_ATTEMPTS} attempts`);
}
