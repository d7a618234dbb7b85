import { createSubscriptions } from '../api-client.js';
import { BenchReceiver } from '../bench-receiver.js';
import { measureStreamLatency } from '../delivery-latency.js';
import { removeSubscriptions, type ScenarioContext, type ScenarioResult } from '../figures.js';
import { publishCatalogEvent } from '../publisher.js';
import { latencyFigureId } from './latency.js';

const HEALTHY_EVENT = 'attribute.updated';
const HANGING_EVENT = 'attribute.deleted';
// The hanging endpoints get a head start, so their requests already hold connections and
// activity slots when the healthy stream begins.
const HEAD_START_MS = 1_000;
const TARGET_RATIO = 1.5;

/**
 * Streams events to one healthy endpoint while 50 other endpoints hold every request for 10 s.
 * One event goes to all hanging endpoints every hold period, so each of them always has about one
 * request hanging: 50 attempts stuck at any time, each on its own origin.
 */
export async function runNoisyNeighbour(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const healthy = await BenchReceiver.start();
  const hanging = await BenchReceiver.start({
    serverCount: settings.noisyHangingEndpoints,
    reply: () => ({ status: 200, holdMs: settings.noisyHoldMs }),
  });

  const subscriptionIds: string[] = [];
  try {
    const healthyId = await context.api.createSubscription({
      url: healthy.endpointUrl('healthy'),
      events: [HEALTHY_EVENT],
      secret: context.secret,
    });
    const hangingEndpoints = Array.from(
      { length: settings.noisyHangingEndpoints },
      (_, index) => `hanging-${index}`,
    );
    const hangingIds = await createSubscriptions(context.api, {
      urls: hangingEndpoints.map((endpoint, index) => hanging.endpointUrl(endpoint, index)),
      event: HANGING_EVENT,
      secret: context.secret,
    });
    subscriptionIds.push(healthyId, ...hangingIds);

    const window = context.monitor.begin();
    let healthyDone = false;
    let hangingPublishes = 0;
    const hangingLoop = (async () => {
      while (!healthyDone) {
        await publishCatalogEvent(context.api, HANGING_EVENT, hangingPublishes++);
        const nextAt = performance.now() + settings.noisyHoldMs;
        while (!healthyDone && performance.now() < nextAt) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, HEAD_START_MS));

    const stream = await measureStreamLatency({
      api: context.api,
      progress,
      label: `noisy-neighbour: healthy endpoint at ${settings.noisyRate} events/s`,
      receiver: healthy,
      endpoint: 'healthy',
      event: HEALTHY_EVENT,
      rate: settings.noisyRate,
      durationMs: settings.noisySeconds * 1000,
      firstSequence: 0,
    });
    healthyDone = true;
    await hangingLoop;
    const usage = context.monitor.end(window);
    const hangingArrivals = hanging.arrivals.length;

    const baselineP99 =
      context.earlierFigures.get(latencyFigureId(settings.noisyRate, 'p99'))?.measured ?? null;
    const p99 = stream.latencyMs.p99;
    return {
      figures: [
        {
          id: 'noisy_neighbour.healthy_p50_ms',
          scenario: 'noisy-neighbour',
          label: `healthy endpoint p50 at ${settings.noisyRate} events/s`,
          unit: 'ms',
          measured: stream.latencyMs.p50,
        },
        {
          id: 'noisy_neighbour.healthy_p99_ms',
          scenario: 'noisy-neighbour',
          label: `healthy endpoint p99 at ${settings.noisyRate} events/s`,
          unit: 'ms',
          measured: p99,
        },
        {
          id: 'noisy_neighbour.p99_ratio',
          scenario: 'noisy-neighbour',
          label: `healthy p99 / latency scenario p99 at ${settings.noisyRate}/s`,
          unit: '×',
          measured:
            p99 === null || baselineP99 === null || baselineP99 <= 0 ? null : p99 / baselineP99,
          target: { comparison: '<=', value: TARGET_RATIO },
        },
      ],
      details: {
        healthy: { ...stream, samplesMs: undefined, delivered: undefined },
        hangingEndpoints: settings.noisyHangingEndpoints,
        holdMs: settings.noisyHoldMs,
        hangingPublishes,
        hangingArrivals,
      },
      series: [
        {
          label: `healthy beside ${settings.noisyHangingEndpoints} hanging, ${settings.noisyRate}/s`,
          samplesMs: stream.samplesMs,
        },
      ],
      usage,
    };
  } finally {
    // The hanging endpoints respond at once from here on. Deleting the subscriptions then cancels
    // the timed-out deliveries, so their retries cannot land in a later scenario.
    hanging.setReply(() => ({ status: 200 }));
    hanging.releaseHeld();
    await removeSubscriptions(context, subscriptionIds);
    await healthy.close();
    await hanging.close();
  }
}
