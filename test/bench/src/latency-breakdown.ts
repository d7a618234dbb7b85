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

// Times along one event's path; each step below runs from one of them to another. Both workflows
// run their activities locally, inside workflow tasks, so the history contains no activity events.
// The fan-out's task reads the event, records the deliveries and starts their workflows, and the
// delivery's first task loads the attempt and sends it. With eager start the fan-out's task can
// start before the publish call returns, because the event is stored after the start.
type Mark =
  | 'fanOutStarted'
  | 'publishReturned'
  | 'fanOutTaskStarted'
  | 'deliveryStarted'
  | 'deliveryTaskStarted'
  | 'arrived';

const STEPS: ReadonlyArray<{ step: string; from: Mark; to: Mark }> = [
  {
    step: 'fan-out workflow started → publish call returned',
    from: 'fanOutStarted',
    to: 'publishReturned',
  },
  {
    step: 'fan-out workflow started → its workflow task started',
    from: 'fanOutStarted',
    to: 'fanOutTaskStarted',
  },
  {
    step: 'fan-out workflow task started → delivery workflow started',
    from: 'fanOutTaskStarted',
    to: 'deliveryStarted',
  },
  {
    step: 'delivery workflow started → its workflow task started',
    from: 'deliveryStarted',
    to: 'deliveryTaskStarted',
  },
  {
    step: 'delivery workflow task started → first byte at the endpoint',
    from: 'deliveryTaskStarted',
    to: 'arrived',
  },
];

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
      const marks: Record<Mark, number | null> = {
        fanOutStarted: firstEventTime(fanOut, 'workflowExecutionStarted'),
        publishReturned: toEpochMs(event.publishReturnedAt),
        fanOutTaskStarted: firstEventTime(fanOut, 'workflowTaskStarted'),
        deliveryStarted: firstEventTime(delivery, 'workflowExecutionStarted'),
        deliveryTaskStarted: firstEventTime(delivery, 'workflowTaskStarted'),
        arrived: toEpochMs(event.arrivedAt),
      };
      STEPS.forEach(({ from, to }, index) => {
        const start = marks[from];
        const end = marks[to];
        if (start !== null && end !== null) {
          durations[index]!.push(end - start);
        }
      });
    }
  } finally {
    await connection.close();
  }

  return STEPS.map(({ step }, index) => ({
    step,
    medianMs: percentileOfSorted(
      [...durations[index]!].sort((a, b) => a - b),
      50,
    ),
  }));
}
