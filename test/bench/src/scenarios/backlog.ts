import { createSubscriptions, type ApiClient } from '../api-client.js';
import { BenchReceiver, type Arrival } from '../bench-receiver.js';
import {
  ratioTo,
  waitUntil,
  type Figure,
  type ScenarioContext,
  type ScenarioResult,
} from '../figures.js';
import { publishCatalogEvent } from '../publisher.js';
import { summarize } from '../stats.js';

const EVENT = 'attribute.created';
// The first retry's delay in the delivery schedule.
const FIRST_RETRY_DELAY_MS = 30_000;
const PUBLISH_CONCURRENCY = 4;
// Past this the figures cover the deliveries whose first attempt ran so far.
const CREATION_TIMEOUT_MS = 3_600_000;
// The last retries are due 30 s after the last first attempt; this leaves room for them to run late.
const RETRY_WAIT_MS = FIRST_RETRY_DELAY_MS + 600_000;
const PEAK_SAMPLE_INTERVAL_MS = 1_000;
const PROBE_INTERVAL_MS = 100;
// Deliveries whose attempt records are read back to cross-check the receiver's lateness.
const RECORD_SAMPLE_SIZE = 20;

const TARGET_SERVICE_RSS_MB = 400;
const TARGET_LATENESS_P99_MS = 1_000;

type Phase = 'first attempts' | 'retries only';

interface ProbeSample {
  phase: Phase;
  durationMs: number;
  status: number;
}

/** Calls a cheap read of the API every 100 ms until stopped, to see how the API fares meanwhile. */
function startApiProbe(
  api: ApiClient,
  path: string,
  phase: () => Phase,
): { samples: ProbeSample[]; stop(): Promise<void> } {
  const samples: ProbeSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const currentPhase = phase();
      const response = await api.request('GET', path);
      samples.push({
        phase: currentPhase,
        durationMs: response.durationMs,
        status: response.status,
      });
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, PROBE_INTERVAL_MS - response.durationMs)),
      );
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function deliveryKey(arrival: Pick<Arrival, 'endpoint' | 'eventId'>): string {
  return `${arrival.endpoint}\n${arrival.eventId}`;
}

/** Reads the attempts of a few deliveries through the API and returns attempt 2's lateness by the worker's own times, in ms. */
async function latenessFromRecords(
  api: ApiClient,
  subscriptionIds: readonly string[],
): Promise<number[]> {
  const lateness: number[] = [];
  const step = Math.max(1, Math.floor(subscriptionIds.length / RECORD_SAMPLE_SIZE));
  for (
    let index = 0;
    index < subscriptionIds.length && lateness.length < RECORD_SAMPLE_SIZE;
    index += step
  ) {
    const list = await api.request(
      'GET',
      `/api/v1/deliveries?webhook_id=${subscriptionIds[index]}&limit=1`,
    );
    const deliveryId = list.body?.data?.[0]?.id as string | undefined;
    if (list.status !== 200 || deliveryId === undefined) {
      continue;
    }
    const delivery = await api.request('GET', `/api/v1/deliveries/${deliveryId}`);
    const attempts = (delivery.body?.attempts ?? []) as Array<{
      number: number;
      started_at: string;
      duration_ms: number;
    }>;
    const first = attempts.find((attempt) => attempt.number === 1);
    const second = attempts.find((attempt) => attempt.number === 2);
    if (first !== undefined && second !== undefined) {
      const failedAt = Date.parse(first.started_at) + first.duration_ms;
      lateness.push(Date.parse(second.started_at) - (failedAt + FIRST_RETRY_DELAY_MS));
    }
  }
  return lateness;
}

/** The moment the most deliveries waited for their retry at once, with the service's memory then. */
interface PeakWaiting {
  waiting: number;
  serviceRssMB: number | null;
  temporalRssMB: number | null;
}

/**
 * Builds a backlog of deliveries whose first attempt gets 500, so each waits for its 30 s retry,
 * which the endpoint then accepts. Measures how many wait at once and the service's memory at that
 * peak, the data files, the API meanwhile, and how late each retry lands against its schedule.
 */
export async function runBacklog(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings, progress, monitor, service } = context;
  const subscriptionCount = settings.backlogSubscriptions;
  const eventCount = Math.ceil(settings.backlogDeliveries / subscriptionCount);
  const total = eventCount * subscriptionCount;

  const firstAttempts = new Map<string, Arrival>();
  const retries = new Map<string, Arrival>();
  // An outage that outlasted the creation would meet each retry too and pile up 5- and 30-minute
  // retries, so the endpoint fails only first attempts.
  const receiver = await BenchReceiver.start({
    reply: (arrival) => {
      if (arrival.attempt === 1) {
        firstAttempts.set(deliveryKey(arrival), arrival);
        return { status: 500 };
      }
      if (arrival.attempt === 2) {
        retries.set(deliveryKey(arrival), arrival);
      }
      return { status: 200 };
    },
  });

  try {
    const endpoints = Array.from({ length: subscriptionCount }, (_, index) => `backlog-${index}`);
    let created = 0;
    progress.tick(() => `backlog: creating subscriptions, ${created} of ${subscriptionCount}`);
    const subscriptionIds = await createSubscriptions(context.api, {
      urls: endpoints.map((endpoint) => receiver.endpointUrl(endpoint)),
      event: EVENT,
      secret: context.secret,
      onCreated: () => created++,
    });

    const window = monitor.begin();
    let phase: Phase = 'first attempts';
    const probe = startApiProbe(
      context.api,
      `/api/v1/deliveries?webhook_id=${subscriptionIds[0]}&limit=20`,
      () => phase,
    );
    let peak: PeakWaiting = { waiting: 0, serviceRssMB: null, temporalRssMB: null };
    const peakSampler = setInterval(() => {
      const waiting = firstAttempts.size - retries.size;
      if (waiting > peak.waiting) {
        peak = {
          waiting,
          serviceRssMB: monitor.serviceRssMB(),
          temporalRssMB: monitor.temporalRssMB(),
        };
      }
    }, PEAK_SAMPLE_INTERVAL_MS);

    const creationStartedAt = performance.now();
    progress.tick(
      () =>
        `backlog: ${firstAttempts.size} of ${total} first attempts failed, ${retries.size} retries landed, ${firstAttempts.size - retries.size} waiting`,
    );
    let nextEvent = 0;
    let failedPublishes = 0;
    const publishUntilDone = async (): Promise<void> => {
      while (nextEvent < eventCount) {
        const record = await publishCatalogEvent(context.api, EVENT, nextEvent++);
        if (record.eventId === null) {
          failedPublishes++;
        }
      }
    };
    await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, publishUntilDone));
    const expected = (eventCount - failedPublishes) * subscriptionCount;
    const creationFinished = await waitUntil(
      () => firstAttempts.size >= expected,
      CREATION_TIMEOUT_MS,
    );
    const creationSeconds = (performance.now() - creationStartedAt) / 1000;
    // Every row and every workflow exists now; the retries only add attempt records.
    const files = { databaseMB: service.databaseMB(), temporalFileMB: service.temporalFileMB() };

    phase = 'retries only';
    const retriesLanded = await waitUntil(() => retries.size >= firstAttempts.size, RETRY_WAIT_MS);
    clearInterval(peakSampler);
    await probe.stop();
    progress.stopTicking();
    const usage = monitor.end(window);

    const lateness: number[] = [];
    for (const [key, retry] of retries) {
      const first = firstAttempts.get(key);
      if (first === undefined || first.answeredAt === null) {
        continue;
      }
      lateness.push(retry.firstByteAt - (first.answeredAt + FIRST_RETRY_DELAY_MS));
    }
    const latenessMs = summarize(lateness);
    const recordLateness = await latenessFromRecords(context.api, subscriptionIds);
    const probeDuring = (selected: Phase) =>
      summarize(
        probe.samples
          .filter((sample) => sample.phase === selected)
          .map((sample) => sample.durationMs),
      );
    const apiDuringFirstAttempts = probeDuring('first attempts');
    const apiDuringRetries = probeDuring('retries only');
    const creationPerSecond = creationFinished ? expected / creationSeconds : null;

    const figures: Figure[] = [
      {
        id: 'backlog.creation_seconds',
        scenario: 'backlog',
        label: `time until all ${total} first attempts have failed`,
        unit: 's',
        measured: creationFinished ? creationSeconds : null,
      },
      {
        id: 'backlog.creation_per_second',
        scenario: 'backlog',
        label: 'first attempts/s while building the backlog',
        unit: '/s',
        measured: creationPerSecond,
        ratioToBaseline: ratioTo(context.baselinePerSecond, creationPerSecond),
      },
      {
        id: 'backlog.peak_waiting',
        scenario: 'backlog',
        label: 'most deliveries waiting for their retry at once',
        unit: '',
        measured: peak.waiting,
      },
      {
        id: 'backlog.service_rss_at_peak_mb',
        scenario: 'backlog',
        label: `service RSS (worker + API, one process) with ${peak.waiting} waiting`,
        unit: 'MB',
        measured: peak.serviceRssMB,
        // The target is for 20,000 waiting, so it is only checked in the full run.
        ...(total >= 20_000
          ? { target: { comparison: '<=' as const, value: TARGET_SERVICE_RSS_MB } }
          : {}),
      },
      {
        id: 'backlog.service_peak_rss_mb',
        scenario: 'backlog',
        label: 'service peak RSS during the scenario',
        unit: 'MB',
        measured: usage.servicePeakRssMB,
      },
      {
        id: 'backlog.temporal_rss_at_peak_mb',
        scenario: 'backlog',
        label: `Temporal dev server RSS with ${peak.waiting} waiting`,
        unit: 'MB',
        measured: peak.temporalRssMB,
      },
      {
        id: 'backlog.database_mb',
        scenario: 'backlog',
        label: 'PGlite data folder once all first attempts ran',
        unit: 'MB',
        measured: files.databaseMB,
      },
      {
        id: 'backlog.temporal_file_mb',
        scenario: 'backlog',
        label: 'Temporal dev server file (with WAL) then',
        unit: 'MB',
        measured: files.temporalFileMB,
      },
      {
        id: 'backlog.api_p99_first_attempts_ms',
        scenario: 'backlog',
        label: 'API p99 (list deliveries) while first attempts run',
        unit: 'ms',
        measured: apiDuringFirstAttempts.p99,
      },
      {
        id: 'backlog.api_p99_retries_ms',
        scenario: 'backlog',
        label: 'API p99 (list deliveries) while only retries run',
        unit: 'ms',
        measured: apiDuringRetries.p99,
      },
      ...(['p50', 'p99', 'max'] as const).map((figure): Figure => ({
        id: `backlog.retry_lateness_${figure}_ms`,
        scenario: 'backlog',
        label: `retry lateness ${figure} (attempt 2 vs failure + 30 s)`,
        unit: 'ms',
        measured: latenessMs[figure],
        ...(figure === 'p99'
          ? { target: { comparison: '<=' as const, value: TARGET_LATENESS_P99_MS } }
          : {}),
      })),
    ];

    return {
      figures,
      details: {
        deliveries: total,
        events: eventCount,
        subscriptions: subscriptionCount,
        failedPublishes,
        creationComplete: creationFinished,
        creationSeconds,
        peak,
        files,
        retriesLanded,
        retries: retries.size,
        latenessMs,
        latenessFromRecordsMs: summarize(recordLateness),
        apiDuringFirstAttemptsMs: apiDuringFirstAttempts,
        apiDuringRetriesMs: apiDuringRetries,
        apiProbeFailures: probe.samples.filter((sample) => sample.status !== 200).length,
      },
      series: [{ label: 'retry lateness (backlog)', samplesMs: lateness }],
      usage,
    };
  } finally {
    await receiver.close();
  }
}
