import { createSubscriptions } from '../api-client.js';
import {
  ratioTo,
  removeSubscriptions,
  waitUntil,
  type ScenarioContext,
  type ScenarioResult,
} from '../figures.js';
import { publishFlatOut, summarizePublishes } from '../publisher.js';
import { throughputEndpointName } from './baseline.js';

const EVENT = 'product.updated';
const TARGET_DELIVERIES_PER_SECOND = 250;
// The backlog left at the end of the window gets this long to drain before the next scenario.
const DRAIN_TIMEOUT_MS = 1_200_000;

/**
 * Publishes as fast as the API accepts for a fixed time, each event to every throughput endpoint
 * (which respond immediately), and counts the deliveries that arrived within that time. The backlog left
 * at the end is then drained, which also gives the delivery rate without publishing alongside.
 */
export async function runThroughput(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings, throughputReceiver: receiver, progress } = context;
  const endpoints = Array.from({ length: settings.throughputEndpoints }, (_, index) =>
    throughputEndpointName(index),
  );
  const subscriptionIds = await createSubscriptions(context.api, {
    urls: endpoints.map((endpoint, index) => receiver.endpointUrl(endpoint, index)),
    event: EVENT,
    secret: context.secret,
  });

  // Only this scenario sends to these endpoints from here on; the baseline's requests came before.
  const firstArrival = receiver.arrivals.length;
  const firstAttempts = () => receiver.arrivals.length - firstArrival;
  let published = 0;

  const window = context.monitor.begin();
  const startedAt = performance.now();
  const endsAt = startedAt + settings.throughputSeconds * 1000;
  progress.tick(() => {
    const seconds = Math.min(settings.throughputSeconds, (performance.now() - startedAt) / 1000);
    return `throughput: ${seconds.toFixed(0)} of ${settings.throughputSeconds} s, ${published} published, ${firstAttempts()} delivered`;
  });
  const records = await publishFlatOut(context.api, {
    event: EVENT,
    concurrency: settings.throughputConcurrency,
    durationMs: settings.throughputSeconds * 1000,
    onPublished: () => published++,
  });
  const publishes = summarizePublishes(records);
  const expected = publishes.accepted * endpoints.length;
  const deliveredInWindow = receiver.arrivals
    .slice(firstArrival)
    .filter((arrival) => arrival.firstByteAt <= endsAt).length;
  const backlogAtEnd = expected - deliveredInWindow;
  const windowUsage = context.monitor.end(window);

  const drainWindow = context.monitor.begin();
  progress.tick(
    () => `throughput: draining, ${expected - firstAttempts()} of ${backlogAtEnd} deliveries left`,
  );
  const drained = await waitUntil(() => firstAttempts() >= expected, DRAIN_TIMEOUT_MS);
  progress.stopTicking();
  const drainUsage = context.monitor.end(drainWindow);
  await removeSubscriptions(context, subscriptionIds);
  const lastArrivalAt = receiver.arrivals.at(-1)?.firstByteAt ?? endsAt;
  const drainSeconds = Math.max(0, lastArrivalAt - endsAt) / 1000;

  const deliveriesPerSecond = deliveredInWindow / settings.throughputSeconds;
  const publishesPerSecond = publishes.accepted / settings.throughputSeconds;
  const drainPerSecond = drainSeconds > 0 ? backlogAtEnd / drainSeconds : null;
  return {
    figures: [
      {
        id: 'throughput.deliveries_per_second',
        scenario: 'throughput',
        label: `sustained deliveries/s (${endpoints.length} endpoints per event)`,
        unit: '/s',
        measured: deliveriesPerSecond,
        target: { comparison: '>=', value: TARGET_DELIVERIES_PER_SECOND },
        ratioToBaseline: ratioTo(context.baselinePerSecond, deliveriesPerSecond),
      },
      {
        id: 'throughput.publishes_per_second',
        scenario: 'throughput',
        label: 'events published/s',
        unit: '/s',
        measured: publishesPerSecond,
      },
      {
        id: 'throughput.backlog_at_end',
        scenario: 'throughput',
        label: 'backlog at the end (deliveries not yet arrived)',
        unit: '',
        measured: backlogAtEnd,
      },
      {
        id: 'throughput.drain_per_second',
        scenario: 'throughput',
        label: 'deliveries/s while draining the backlog, no publishing',
        unit: '/s',
        measured: drainPerSecond,
        ratioToBaseline: ratioTo(context.baselinePerSecond, drainPerSecond),
      },
    ],
    details: {
      durationSeconds: settings.throughputSeconds,
      publishConcurrency: settings.throughputConcurrency,
      endpoints: endpoints.length,
      published: publishes.accepted,
      failedPublishes: publishes.failed,
      publishCallMs: publishes.callMs,
      expected,
      deliveredInWindow,
      backlogAtEnd,
      drained,
      drainSeconds,
      undeliveredAfterDrain: expected - firstAttempts(),
      drainUsage,
    },
    series: [],
    usage: windowUsage,
  };
}
