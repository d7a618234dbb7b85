import { BenchReceiver } from '../bench-receiver.js';
import { measureStreamLatency, type StreamLatency } from '../delivery-latency.js';
import {
  removeSubscriptions,
  type Figure,
  type ReportTable,
  type ScenarioContext,
  type ScenarioResult,
} from '../figures.js';
import { breakDownLatency, type LatencyStep } from '../latency-breakdown.js';

const EVENT = 'product.created';
const ENDPOINT = 'latency';
// Lets the last rate's deliveries settle before the next rate starts.
const PAUSE_BETWEEN_RATES_MS = 2_000;

// The targets apply at 50 events a second.
const TARGET_RATE = 50;
const TARGET_P50_MS = 25;
const TARGET_P99_MS = 100;

/** Figure ids of one rate, also used by the noisy neighbour to compare with. */
export function latencyFigureId(rate: number, figure: 'p50' | 'p95' | 'p99' | 'max'): string {
  return `latency.${rate}_per_second.${figure}_ms`;
}

function figuresOfRate(stream: StreamLatency): Figure[] {
  const { rate, latencyMs } = stream;
  const row = (figure: 'p50' | 'p95' | 'p99' | 'max', target?: number): Figure => ({
    id: latencyFigureId(rate, figure),
    scenario: 'latency',
    label: `${figure} at ${rate} events/s`,
    unit: 'ms',
    measured: latencyMs[figure],
    ...(target !== undefined && rate === TARGET_RATE
      ? { target: { comparison: '<=' as const, value: target } }
      : {}),
  });
  return [
    row('p50', TARGET_P50_MS),
    row('p95'),
    row('p99', TARGET_P99_MS),
    row('max'),
    {
      id: `latency.${rate}_per_second.publish_call_p99_ms`,
      scenario: 'latency',
      label: `publish call p99 at ${rate} events/s`,
      unit: 'ms',
      measured: stream.publishCallMs.p99,
    },
    {
      id: `latency.${rate}_per_second.failed_publishes`,
      scenario: 'latency',
      label: `publishes failed or timed out (30 s) at ${rate} events/s`,
      unit: '',
      measured: stream.failedPublishes,
    },
  ];
}

function breakdownTable(
  streams: readonly StreamLatency[],
  breakdowns: ReadonlyArray<LatencyStep[]>,
): ReportTable {
  const steps = breakdowns[0]?.map((entry) => entry.step) ?? [];
  return {
    title:
      'Where the latency goes: median ms per step, from the Temporal histories of a sample of events',
    header: ['step', ...streams.map((stream) => `${stream.rate}/s`)],
    rows: steps.map((step, index) => [
      step,
      ...breakdowns.map((breakdown) => {
        const value = breakdown[index]?.medianMs;
        return value === null || value === undefined ? '–' : value.toFixed(0);
      }),
    ]),
  };
}

/**
 * Publishes at each rate for a fixed time to one subscription whose endpoint responds immediately, and
 * measures the time from each publish call returning to the endpoint's first byte.
 */
export async function runLatency(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings } = context;
  const receiver = await BenchReceiver.start();
  const subscriptionIds: string[] = [];
  try {
    subscriptionIds.push(
      await context.api.createSubscription({
        url: receiver.endpointUrl(ENDPOINT),
        events: [EVENT],
        secret: context.secret,
      }),
    );

    const window = context.monitor.begin();
    const streams: StreamLatency[] = [];
    for (const rate of settings.latencyRates) {
      streams.push(
        await measureStreamLatency({
          api: context.api,
          progress: context.progress,
          label: `latency at ${rate} events/s`,
          receiver,
          endpoint: ENDPOINT,
          event: EVENT,
          rate,
          durationMs: settings.latencySeconds * 1000,
          firstSequence: streams.reduce(
            (sum, stream) => sum + stream.published + stream.failedPublishes,
            0,
          ),
        }),
      );
      if (rate !== settings.latencyRates.at(-1)) {
        await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_RATES_MS));
      }
    }
    const usage = context.monitor.end(window);

    context.progress.update('latency: reading Temporal histories for the breakdown');
    const breakdowns: LatencyStep[][] = [];
    for (const stream of streams) {
      breakdowns.push(
        await breakDownLatency({
          api: context.api,
          temporalAddress: context.service.temporalAddress,
          events: stream.delivered,
        }),
      );
    }

    return {
      figures: streams.flatMap(figuresOfRate),
      details: {
        streams: streams.map(({ samplesMs: _samples, delivered: _delivered, ...stream }) => stream),
        breakdown: streams.map((stream, index) => ({
          rate: stream.rate,
          steps: breakdowns[index],
        })),
      },
      series: streams.map((stream) => ({
        label: `latency at ${stream.rate}/s`,
        samplesMs: stream.samplesMs,
      })),
      usage,
      tables: [breakdownTable(streams, breakdowns)],
    };
  } finally {
    await removeSubscriptions(context, subscriptionIds);
    await receiver.close();
  }
}
