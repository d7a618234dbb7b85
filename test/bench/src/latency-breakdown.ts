import { Client, Connection } from '@temporalio/client';

import { fanOutWorkflowId } from '@lasso/contracts';

import type { ApiClient } from './api-client.js';
import { percentileOfSorted } from './stats.js';

/** One delivered event to break down; times are `performance.now()` of this process. */
export interface DeliveredEvent {
  eventId: string;
  publishReturnedAt: number;
  arrivedAt: number;
}

/** The median time of one step of the path from publish to arrival, in ms. */
export interface LatencyStep {
  step: string;
  medianMs: number | null;
}

type HistoryEvent = Record<string, unknown> & {
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
};

// Activity steps use the scheduled time: a retried activity's started event is written when it
// completes, so its time can come after the request it sent.
const STEPS = [
  'publish returned → fan-out workflow task started',
  'fan-out workflow task started → fan-out activity scheduled',
  'fan-out activity scheduled → delivery workflow started',
  'delivery workflow started → its first workflow task started',
  'delivery workflow task started → attempt activity scheduled',
  'attempt activity scheduled → first byte at the endpoint',
] as const;

// Events sampled per stream: enough for a stable median, few enough to read histories quickly.
const SAMPLE_SIZE = 15;

function toEpochMs(performanceMs: number): number {
  return performance.timeOrigin + performanceMs;
}

/** Returns the server time of the first history event of a kind, such as `activityTaskScheduled`, in epoch ms. */
function firstEventTime(events: readonly HistoryEvent[], kind: string): number | null {
  const event = events.find(
    (candidate) =>
      candidate[`${kind}EventAttributes`] !== undefined &&
      candidate[`${kind}EventAttributes`] !== null,
  );
  if (event?.eventTime === undefined || event.eventTime === null) {
    return null;
  }
  return Number(event.eventTime.seconds ?? 0) * 1000 + (event.eventTime.nanos ?? 0) / 1e6;
}

async function fetchEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []) as unknown as HistoryEvent[];
}

/**
 * Splits the publish-to-arrival time of a sample of events into the steps of the fan-out and
 * delivery workflows, from their Temporal histories, and returns the median of each step.
 * Temporal's event times and this process's clock are both the machine's wall clock.
 */
export async function breakDownLatency(options: {
  api: ApiClient;
  temporalAddress: string;
  events: readonly DeliveredEvent[];
}): Promise<LatencyStep[]> {
  const stride = Math.max(1, Math.floor(options.events.length / SAMPLE_SIZE));
  const sample = options.events.filter((_, index) => index % stride === 0).slice(0, SAMPLE_SIZE);
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection });
  const durations: number[][] = STEPS.map(() => []);

  try {
    for (const event of sample) {
      const list = await options.api.request(
        'GET',
        `/api/v1/deliveries?event_id=${event.eventId}&limit=1`,
      );
      const deliveryWorkflowId = list.body?.data?.[0]?.workflow_id as string | undefined;
      if (list.status !== 200 || deliveryWorkflowId === undefined) {
        continue;
      }
      const fanOut = await fetchEvents(client, fanOutWorkflowId(event.eventId));
      const delivery = await fetchEvents(client, deliveryWorkflowId);
      const marks = [
        toEpochMs(event.publishReturnedAt),
        firstEventTime(fanOut, 'workflowTaskStarted'),
        firstEventTime(fanOut, 'activityTaskScheduled'),
        firstEventTime(delivery, 'workflowExecutionStarted'),
        firstEventTime(delivery, 'workflowTaskStarted'),
        firstEventTime(delivery, 'activityTaskScheduled'),
        toEpochMs(event.arrivedAt),
      ];
      if (marks.some((mark) => mark === null)) {
        continue;
      }
      STEPS.forEach((_, index) => durations[index]!.push(marks[index + 1]! - marks[index]!));
    }
  } finally {
    await connection.close();
  }

  return STEPS.map((step, index) => ({
    step,
    medianMs: percentileOfSorted(
      [...durations[index]!].sort((a, b) => a - b),
      50,
    ),
  }));
}
