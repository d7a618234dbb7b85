import { createSubscriptions, type ApiClient } from '../api-client.js';
import { BenchReceiver, type Arrival } from '../bench-receiver.js';
import type { ResourceUsage } from '../resource-monitor.js';
import {
  ratioTo,
  waitUntil,
  type Figure,
  type ScenarioContext,
  type ScenarioResult,
} from '../figures.js';
import { publishCatalogEvent } from '../publisher.js';
import { summarize, type Distribution } from '../stats.js';

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

/** A backlog whose first attempts have all failed; `finish` waits for the retries and returns the figures. */
export interface BacklogInProgress {
  /**
   * Waits for the retries and returns the figures. `baselinePerSecond` comes from this run's
   * baseline, which may run after the build.
   */
  finish(options: { baselinePerSecond: number | null }): Promise<ScenarioResult>;
}

/**
 * Builds a backlog of deliveries whose first attempt gets 500, so each waits for its 30 s retry,
 * which the endpoint then accepts. Measures how many wait at once and the service's memory at that
 * peak, the data files, the API meanwhile, and how late each retry lands against its schedule.
 */
export async function runBacklog(context: ScenarioContext): Promise<ScenarioResult> {
  const backlog = await startBacklog(context, { alongsideOtherScenarios: false });
  return backlog.finish({ baselinePerSecond: context.baselinePerSecond });
}

/**
 * Builds the backlog and returns once every first attempt has failed, so that other scenarios can
 * run while the retries wait. With `alongsideOtherScenarios` the labels mark it, and the lateness
 * target is not checked, because the other scenarios' load delays the retries too.
 */
export async function startBacklog(
  context: ScenarioContext,
  options: { alongsideOtherScenarios: boolean },
): Promise<BacklogInProgress> {
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

  let subscriptionIds: string[];
  try {
    const endpoints = Array.from({ length: subscriptionCount }, (_, index) => `backlog-${index}`);
    let created = 0;
    progress.tick(() => `backlog: creating subscriptions, ${created} of ${subscriptionCount}`);
    subscriptionIds = await createSubscriptions(context.api, {
      urls: endpoints.map((endpoint) => receiver.endpointUrl(endpoint)),
      event: EVENT,
      secret: context.secret,
      onCreated: () => created++,
    });
  } catch (error) {
    progress.stopTicking();
    await receiver.close();
    throw error;
  }

  const window = monitor.begin();
  let phase: Phase = 'first attempts';
  const probe = startApiProbe(
    context.api,
    `/api/v1/deliveries?webhook_id=${subscriptionIds[0]}&limit=20`,
    () => phase,
  );
  let peak: PeakWaiting = { waiting: 0, serviceRssMB: null, temporalRssMB: null };
  const samplePeak = () => {
    const waiting = firstAttempts.size - retries.size;
    if (waiting > peak.waiting) {
      peak = {
        waiting,
        serviceRssMB: monitor.serviceRssMB(),
        temporalRssMB: monitor.temporalRssMB(),
      };
    }
  };
  const peakSampler = setInterval(samplePeak, PEAK_SAMPLE_INTERVAL_MS);
  const describeProgress = () =>
    `backlog: ${firstAttempts.size} of ${total} first attempts failed, ${retries.size} retries landed, ${firstAttempts.size - retries.size} waiting`;

  // Ends the probe, the peak sampler and the usage window. Beside other scenarios this happens once
  // the backlog is built, so that their load does not count as the backlog's, and the probe does not
  // add to their load.
  let measuredUsage: ResourceUsage | null = null;
  const stopMeasuring = async (): Promise<ResourceUsage> => {
    if (measuredUsage === null) {
      clearInterval(peakSampler);
      samplePeak();
      await probe.stop();
      measuredUsage = monitor.end(window);
    }
    return measuredUsage;
  };

  let creation: { seconds: number; finished: boolean; expected: number; failedPublishes: number };
  let files: { databaseMB: number; temporalFileMB: number };
  try {
    progress.tick(describeProgress);
    creation = await publishAndAwaitFirstAttempts(context, {
      eventCount,
      subscriptionCount,
      failedCount: () => firstAttempts.size,
    });
    // Every row and every workflow exists now; the retries only add attempt records.
    files = { databaseMB: service.databaseMB(), temporalFileMB: service.temporalFileMB() };
    phase = 'retries only';
    progress.stopTicking();
    if (options.alongsideOtherScenarios) {
      await stopMeasuring();
    }
  } catch (error) {
    progress.stopTicking();
    await stopMeasuring();
    await receiver.close();
    throw error;
  }

  const finish = async (finishOptions: {
    baselinePerSecond: number | null;
  }): Promise<ScenarioResult> => {
    progress.tick(describeProgress);
    const retriesLanded = await waitUntil(() => retries.size >= firstAttempts.size, RETRY_WAIT_MS);
    progress.stopTicking();
    const usage = await stopMeasuring();
    await receiver.close();

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
    const creationPerSecond = creation.finished ? creation.expected / creation.seconds : null;

    const figures = backlogFigures({
      total,
      alongsideOtherScenarios: options.alongsideOtherScenarios,
      creationSeconds: creation.finished ? creation.seconds : null,
      creationPerSecond,
      baselinePerSecond: finishOptions.baselinePerSecond,
      peak,
      servicePeakRssMB: usage.servicePeakRssMB,
      files,
      apiDuringFirstAttemptsP99: apiDuringFirstAttempts.p99,
      apiDuringRetriesP99: apiDuringRetries.p99,
      latenessMs,
    });

    return {
      figures,
      details: {
        deliveries: total,
        events: eventCount,
        subscriptions: subscriptionCount,
        ranAlongsideOtherScenarios: options.alongsideOtherScenarios,
        failedPublishes: creation.failedPublishes,
        creationComplete: creation.finished,
        creationSeconds: creation.seconds,
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
  };
  return { finish };
}

/** Publishes the backlog's events and waits until every first attempt has failed at the endpoint. */
async function publishAndAwaitFirstAttempts(
  context: ScenarioContext,
  options: { eventCount: number; subscriptionCount: number; failedCount: () => number },
): Promise<{ seconds: number; finished: boolean; expected: number; failedPublishes: number }> {
  const startedAt = performance.now();
  let nextEvent = 0;
  let failedPublishes = 0;
  const publishUntilDone = async (): Promise<void> => {
    while (nextEvent < options.eventCount) {
      const record = await publishCatalogEvent(context.api, EVENT, nextEvent++);
      if (record.eventId === null) {
        failedPublishes++;
      }
    }
  };
  await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, publishUntilDone));

  const expected = (options.eventCount - failedPublishes) * options.subscriptionCount;
  const finished = await waitUntil(() => options.failedCount() >= expected, CREATION_TIMEOUT_MS);
  return { seconds: (performance.now() - startedAt) / 1000, finished, expected, failedPublishes };
}

/** Builds the backlog's rows of the results table. */
function backlogFigures(measured: {
  total: number;
  alongsideOtherScenarios: boolean;
  creationSeconds: number | null;
  creationPerSecond: number | null;
  baselinePerSecond: number | null;
  peak: PeakWaiting;
  servicePeakRssMB: number | null;
  files: { databaseMB: number; temporalFileMB: number };
  apiDuringFirstAttemptsP99: number | null;
  apiDuringRetriesP99: number | null;
  latenessMs: Distribution;
}): Figure[] {
  const { total, peak, alongsideOtherScenarios } = measured;
  const retriesLabel = alongsideOtherScenarios
    ? 'while only retries run (not measured beside other scenarios)'
    : 'while only retries run';
  const latenessLabel = alongsideOtherScenarios
    ? 'attempt 2 vs failure + 30 s, beside other scenarios'
    : 'attempt 2 vs failure + 30 s';

  return [
    {
      id: 'backlog.creation_seconds',
      scenario: 'backlog',
      label: `time until all ${total} first attempts have failed`,
      unit: 's',
      measured: measured.creationSeconds,
    },
    {
      id: 'backlog.creation_per_second',
      scenario: 'backlog',
      label: 'first attempts/s while building the backlog',
      unit: '/s',
      measured: measured.creationPerSecond,
      ratioToBaseline: ratioTo(measured.baselinePerSecond, measured.creationPerSecond),
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
      label: alongsideOtherScenarios
        ? 'service peak RSS while the backlog was built'
        : 'service peak RSS during the scenario',
      unit: 'MB',
      measured: measured.servicePeakRssMB,
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
      measured: measured.files.databaseMB,
    },
    {
      id: 'backlog.temporal_file_mb',
      scenario: 'backlog',
      label: 'Temporal dev server file (with WAL) then',
      unit: 'MB',
      measured: measured.files.temporalFileMB,
    },
    {
      id: 'backlog.api_p99_first_attempts_ms',
      scenario: 'backlog',
      label: 'API p99 (list deliveries) while first attempts run',
      unit: 'ms',
      measured: measured.apiDuringFirstAttemptsP99,
    },
    {
      id: 'backlog.api_p99_retries_ms',
      scenario: 'backlog',
      label: `API p99 (list deliveries) ${retriesLabel}`,
      unit: 'ms',
      measured: measured.apiDuringRetriesP99,
    },
    ...(['p50', 'p99', 'max'] as const).map((figure): Figure => ({
      id: `backlog.retry_lateness_${figure}_ms`,
      scenario: 'backlog',
      label: `retry lateness ${figure} (${latenessLabel})`,
      unit: 'ms',
      measured: measured.latenessMs[figure],
      ...(figure === 'p99' && !alongsideOtherScenarios
        ? { target: { comparison: '<=' as const, value: TARGET_LATENESS_P99_MS } }
        : {}),
    })),
  ];
}
