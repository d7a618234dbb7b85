import {
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';

import {
  FAN_OUT_FIRST_RETRY_MS,
  FAN_OUT_PAGE_SIZE,
  FAN_OUT_PAGES_PER_RUN,
  type FanOutTotals,
  type FanOutWorkflowInput,
} from '@lasso/contracts/fan-out-workflow';

import type { FanOutActivities } from '../activities/fan-out-types.js';

// A page is idempotent, so these retries may repeat it after any fault. The heartbeat timeout
// hands a page held by a killed worker to another worker within seconds instead of minutes.
const { fanOutPage: fanOutPageAsActivityTask } = proxyActivities<FanOutActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// A page runs as a local activity, inside the workflow task, which spares the server an activity
// task and a workflow task per page. A killed worker lets the workflow task time out within
// seconds, and the next worker runs the page again. The first retries come quickly because the
// usual one is a page that ran before its publish stored the event, a few milliseconds later.
const { fanOutPage: fanOutPageAsLocalActivity } = proxyLocalActivities<FanOutActivities>({
  startToCloseTimeout: '2 minutes',
  // Longer waits between tries run as timers, so a page waiting for its event holds no workflow
  // task slot of the worker meanwhile.
  localRetryThreshold: '1 second',
  retry: {
    initialInterval: `${FAN_OUT_FIRST_RETRY_MS} milliseconds`,
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
  },
});

// Fan-outs started before pages ran as local activities keep running them as activity tasks.
const LOCAL_PAGES_PATCH = 'fan-out-pages-as-local-activities';

/**
 * Delivers one published event to every matching subscription: page by page, in subscription id
 * order, one activity per page that records the deliveries and starts their workflows. After
 * `pagesPerRun` pages the workflow continues as new from where it stopped, so a fan-out to any
 * number of subscriptions keeps each history short.
 */
export async function fanOutWorkflow(input: FanOutWorkflowInput): Promise<FanOutTotals> {
  const pageSize = input.pageSize ?? FAN_OUT_PAGE_SIZE;
  const pagesPerRun = input.pagesPerRun ?? FAN_OUT_PAGES_PER_RUN;
  const totals: FanOutTotals = input.totals
    ? { ...input.totals, runs: input.totals.runs + 1 }
    : { subscriptions: 0, deliveriesStarted: 0, runs: 1 };
  let afterWebhookId = input.afterWebhookId ?? null;
  const fanOutPage = patched(LOCAL_PAGES_PATCH)
    ? fanOutPageAsLocalActivity
    : fanOutPageAsActivityTask;

  for (let page = 0; page < pagesPerRun; page++) {
    const result = await fanOutPage({ eventId: input.eventId, afterWebhookId, pageSize });
    totals.subscriptions += result.subscriptions;
    totals.deliveriesStarted += result.deliveriesStarted;

    // A short page is the last one; a full page may be followed by more.
    if (result.lastWebhookId === null || result.subscriptions < pageSize) {
      log.info('fan-out finished', { eventId: input.eventId, ...totals });
      return totals;
    }
    afterWebhookId = result.lastWebhookId;
  }

  return continueAsNew<typeof fanOutWorkflow>({ ...input, afterWebhookId, totals });
}
