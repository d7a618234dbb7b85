import { createSubscriptions } from '../api-client.js';
import { BenchReceiver } from '../bench-receiver.js';
import {
  ratioTo,
  removeSubscriptions,
  waitUntil,
  type ScenarioContext,
  type ScenarioResult,
} from '../figures.js';
import { publishCatalogEvent } from '../publisher.js';
import { summarize } from '../stats.js';

const EVENT = 'product.deleted';
// Endpoints spread over this many origins, as subscriptions of many customers would be.
const RECEIVER_SERVERS = 10;
const TARGET_LAST_ENDPOINT_SECONDS = 8;
const ARRIVAL_TIMEOUT_MS = 300_000;

/** Publishes one event to many subscriptions and times its arrival at every endpoint. */
export async function runFanOut(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const count = settings.fanOutSubscriptions;
  const receiver = await BenchReceiver.start({ serverCount: RECEIVER_SERVERS });
  let subscriptionIds: string[] = [];
  try {
    const endpoints = Array.from({ length: count }, (_, index) => `fan-out-${index}`);
    const setupStartedAt = performance.now();
    let created = 0;
    progress.tick(() => `fan-out: creating subscriptions, ${created} of ${count}`);
    subscriptionIds = await createSubscriptions(context.api, {
      urls: endpoints.map((endpoint, index) => receiver.endpointUrl(endpoint, index)),
      event: EVENT,
      secret: context.secret,
      onCreated: () => created++,
    });
    const setupSeconds = (performance.now() - setupStartedAt) / 1000;

    const window = context.monitor.begin();
    const record = await publishCatalogEvent(context.api, EVENT, 0);
    if (record.eventId === null) {
      throw new Error(`fan-out: publishing the event failed with status ${record.status}`);
    }
    const eventId = record.eventId;
    const arrivedCount = () =>
      endpoints.filter((endpoint) => receiver.firstArrival(endpoint, eventId, 1) !== undefined)
        .length;
    progress.tick(() => `fan-out: ${receiver.arrivals.length} of ${count} endpoints reached`);
    await waitUntil(
      () => receiver.arrivals.length >= count && arrivedCount() === count,
      ARRIVAL_TIMEOUT_MS,
    );
    progress.stopTicking();
    const usage = context.monitor.end(window);

    const samplesMs = endpoints
      .map((endpoint) => receiver.firstArrival(endpoint, eventId, 1))
      .filter((arrival) => arrival !== undefined)
      .map((arrival) => arrival.firstByteAt - record.returnedAt);
    const arrival = summarize(samplesMs);
    const complete = samplesMs.length === count;
    const lastSeconds = complete && arrival.max !== null ? arrival.max / 1000 : null;
    const perSecond = lastSeconds === null ? null : count / lastSeconds;

    return {
      figures: [
        {
          id: 'fan_out.last_endpoint_seconds',
          scenario: 'fan-out',
          label: `time until the last of ${count} endpoints has the event`,
          unit: 's',
          measured: lastSeconds,
          ...(count === 1_000
            ? { target: { comparison: '<=' as const, value: TARGET_LAST_ENDPOINT_SECONDS } }
            : {}),
        },
        {
          id: 'fan_out.median_endpoint_seconds',
          scenario: 'fan-out',
          label: 'time until half of the endpoints have it',
          unit: 's',
          measured: arrival.p50 === null ? null : arrival.p50 / 1000,
        },
        {
          id: 'fan_out.deliveries_per_second',
          scenario: 'fan-out',
          label: 'deliveries/s of the fan-out',
          unit: '/s',
          measured: perSecond,
          ratioToBaseline: ratioTo(context.baselinePerSecond, perSecond),
        },
      ],
      details: {
        subscriptions: count,
        receiverServers: RECEIVER_SERVERS,
        subscriptionSetupSeconds: setupSeconds,
        publishCallMs: record.returnedAt - record.sentAt,
        reached: samplesMs.length,
        arrivalMs: arrival,
      },
      series: [{ label: `fan-out to ${count}: arrival per endpoint`, samplesMs }],
      usage,
    };
  } finally {
    await removeSubscriptions(context, subscriptionIds);
    await receiver.close();
  }
}
