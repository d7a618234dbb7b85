import type { ApiClient } from './api-client.js';
import type { BenchReceiver } from './bench-receiver.js';
import type { DeliveredEvent } from './latency-breakdown.js';
import { waitUntil } from './figures.js';
import type { Progress } from './progress.js';
import { publishAtRate, summarizePublishes } from './publisher.js';
import { summarize, type Distribution } from './stats.js';

/** Latency of one steady stream of events to one endpoint. */
export interface StreamLatency {
  rate: number;
  durationSeconds: number;
  published: number;
  failedPublishes: number;
  /** Publishes per second actually started, from the first call to the last. */
  achievedRate: number;
  publishCallMs: Distribution;
  /** Accepted events whose first attempt never reached the endpoint within the wait. */
  undelivered: number;
  /** From the publish call returning to the first byte of attempt 1 at the endpoint, in ms. */
  latencyMs: Distribution;
  samplesMs: number[];
  /** The events that arrived, for a breakdown of where their time went. */
  delivered: DeliveredEvent[];
}

// After the last publish, deliveries still on their way get this long to arrive. It is long
// because an overloaded stack delivers a stream's backlog well after the stream ends.
const ARRIVAL_WAIT_MS = 600_000;

/**
 * Publishes `rate` events a second to one subscription for `durationMs` and measures, per event,
 * the time from the publish call returning to the receiver's first byte of attempt 1.
 */
export async function measureStreamLatency(options: {
  api: ApiClient;
  progress: Progress;
  label: string;
  receiver: BenchReceiver;
  endpoint: string;
  event: string;
  rate: number;
  durationMs: number;
  firstSequence: number;
}): Promise<StreamLatency> {
  const { receiver, endpoint } = options;
  const arrivalsBefore = receiver.arrivals.length;
  const startedAt = performance.now();
  const total = Math.round((options.rate * options.durationMs) / 1000);
  options.progress.tick(() => {
    const elapsedMs = performance.now() - startedAt;
    const delivered = receiver.arrivals.length - arrivalsBefore;
    return elapsedMs <= options.durationMs
      ? `${options.label}: ${(elapsedMs / 1000).toFixed(0)} of ${options.durationMs / 1000} s, ${delivered} delivered`
      : `${options.label}: publishing done, waiting for ${total - delivered} of ${total} deliveries`;
  });

  const records = await publishAtRate(options.api, {
    event: options.event,
    rate: options.rate,
    durationMs: options.durationMs,
    firstSequence: options.firstSequence,
  });
  const accepted = records.filter((record) => record.eventId !== null);
  await waitUntil(
    () =>
      accepted.every((record) => receiver.firstArrival(endpoint, record.eventId!, 1) !== undefined),
    ARRIVAL_WAIT_MS,
  );
  options.progress.stopTicking();

  const samplesMs: number[] = [];
  const delivered: DeliveredEvent[] = [];
  for (const record of accepted) {
    const arrival = receiver.firstArrival(endpoint, record.eventId!, 1);
    if (arrival !== undefined) {
      samplesMs.push(arrival.firstByteAt - record.returnedAt);
      delivered.push({
        eventId: record.eventId!,
        publishReturnedAt: record.returnedAt,
        arrivedAt: arrival.firstByteAt,
      });
    }
  }
  const firstSentAt = records[0]?.sentAt ?? startedAt;
  const lastSentAt = records.at(-1)?.sentAt ?? startedAt;
  const publishes = summarizePublishes(records);

  return {
    rate: options.rate,
    durationSeconds: options.durationMs / 1000,
    published: publishes.accepted,
    failedPublishes: publishes.failed,
    achievedRate:
      records.length > 1 ? ((records.length - 1) * 1000) / (lastSentAt - firstSentAt) : 0,
    publishCallMs: publishes.callMs,
    undelivered: accepted.length - samplesMs.length,
    latencyMs: summarize(samplesMs),
    samplesMs,
    delivered,
  };
}
