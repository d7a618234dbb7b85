import type { ApiClient } from './api-client.js';
import { summarize, type Distribution } from './stats.js';

/** One `POST /api/v1/events` call. Times are `performance.now()` of this process. */
export interface PublishRecord {
  /** The stored event's id, or null when the publish failed. */
  eventId: string | null;
  status: number;
  sentAt: number;
  returnedAt: number;
}

/** Publishes one catalog event with data the size of a typical product, a few hundred bytes. */
export async function publishCatalogEvent(
  api: ApiClient,
  event: string,
  sequence: number,
): Promise<PublishRecord> {
  const sentAt = performance.now();
  const id = `bench-${sequence}`;
  const entity = {
    id,
    name: `Benchmark item ${sequence}`,
    sku: `SKU-${String(sequence).padStart(8, '0')}`,
    price: { amount: 1999, currency: 'EUR' },
    tags: ['benchmark', 'catalog', 'webhook'],
    description:
      'A catalog entry published by the benchmark; its fields only give the body a realistic size.',
  };
  const data = event.startsWith('product.')
    ? { product_id: id, product: entity }
    : { attribute_id: id, attribute: entity };

  const response = await api.request('POST', '/api/v1/events', { event, data });
  return {
    eventId: response.status === 202 ? String(response.body.id) : null,
    status: response.status,
    sentAt,
    returnedAt: response.returnedAt,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// An open-loop stream stops starting calls beyond this many unanswered ones, so a stalled API
// cannot make the driver pile up sockets without bound.
const MAX_IN_FLIGHT = 1_000;

/**
 * Publishes `rate` events a second for `durationMs`, each on its own schedule whether or not the
 * earlier calls have returned (an open loop, as independent publishers would). Resolves when
 * every call has returned.
 */
export async function publishAtRate(
  api: ApiClient,
  options: { event: string; rate: number; durationMs: number; firstSequence?: number },
): Promise<PublishRecord[]> {
  const total = Math.round((options.rate * options.durationMs) / 1000);
  const records: Array<Promise<PublishRecord>> = [];
  const startedAt = performance.now();
  let inFlight = 0;

  while (records.length < total) {
    const due = Math.min(
      total,
      Math.floor(((performance.now() - startedAt) * options.rate) / 1000) + 1,
    );
    while (records.length < due && inFlight < MAX_IN_FLIGHT) {
      inFlight++;
      const call = publishCatalogEvent(
        api,
        options.event,
        (options.firstSequence ?? 0) + records.length,
      );
      records.push(call.finally(() => inFlight--));
    }
    const nextDueAt = startedAt + (records.length * 1000) / options.rate;
    await sleep(Math.max(1, nextDueAt - performance.now()));
  }
  return Promise.all(records);
}

/**
 * Publishes as fast as the API responds for `durationMs`, with `concurrency` calls in flight at any
 * time (a closed loop). Resolves when the last call has returned.
 */
export async function publishFlatOut(
  api: ApiClient,
  options: {
    event: string;
    concurrency: number;
    durationMs: number;
    onPublished?: (record: PublishRecord) => void;
  },
): Promise<PublishRecord[]> {
  const records: PublishRecord[] = [];
  const deadline = performance.now() + options.durationMs;
  let sequence = 0;
  const publishUntilDeadline = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const record = await publishCatalogEvent(api, options.event, sequence++);
      records.push(record);
      options.onPublished?.(record);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, publishUntilDeadline));
  return records;
}

/** Counts the accepted publishes and summarizes how long the calls took, in ms. */
export function summarizePublishes(records: readonly PublishRecord[]): {
  accepted: number;
  failed: number;
  callMs: Distribution;
} {
  const accepted = records.filter((record) => record.eventId !== null).length;
  return {
    accepted,
    failed: records.length - accepted,
    callMs: summarize(records.map((record) => record.returnedAt - record.sentAt)),
  };
}
