/** Names the API uses to start fan-out workflows, shared with the workflow code. */
export const FAN_OUT_WORKFLOW = {
  type: 'fanOutWorkflow',
} as const;

/** Subscriptions one fan-out activity reads and starts deliveries for. */
export const FAN_OUT_PAGE_SIZE = 100;

/** Pages one workflow run handles before it continues as new, which keeps each history short. */
export const FAN_OUT_PAGES_PER_RUN = 10;
/** First retry of a fan-out page, in ms; each further retry waits twice as long, up to 1 minute. */
export const FAN_OUT_FIRST_RETRY_MS = 50;
/**
 * Tries of a fan-out page that finds no event before the publish counts as rolled back: about
 * 10 minutes with the retries above. A publish starts the fan-out before it stores the event, and
 * an overloaded API may take seconds to store it.
 */
export const FAN_OUT_MISSING_EVENT_TRIES = 20;

/** Workflow id of an event's fan-out: one per event, so publishing it again cannot start a second. */
export function fanOutWorkflowId(eventId: string): string {
  return `fan-out-${eventId}`;
}

/** Input of a fan-out workflow run; a run that continues as new passes on where it stopped. */
export interface FanOutWorkflowInput {
  eventId: string;
  /** Id of the last subscription handled by earlier runs; the next page starts after it. */
  afterWebhookId?: string | null;
  /** Totals of earlier runs, carried so the last run returns the totals of the whole fan-out. */
  totals?: FanOutTotals;
  /** Overrides FAN_OUT_PAGE_SIZE; tests use small pages to reach continue-as-new quickly. */
  pageSize?: number;
  /** Overrides FAN_OUT_PAGES_PER_RUN. */
  pagesPerRun?: number;
}

/** Counts of one fan-out. */
export interface FanOutTotals {
  /** Enabled subscriptions that receive the event. */
  subscriptions: number;
  /** Delivery workflows this fan-out started; fewer when an earlier try already started some. */
  deliveriesStarted: number;
  /** Workflow runs so far, 1 plus the number of times the fan-out continued as new. */
  runs: number;
}

/** Input of one fan-out page activity. */
export interface FanOutPageInput {
  eventId: string;
  afterWebhookId: string | null;
  pageSize: number;
}

/** Outcome of one fan-out page. `lastWebhookId` is null when no subscription was left. */
export interface FanOutPageResult {
  subscriptions: number;
  deliveriesStarted: number;
  lastWebhookId: string | null;
}
