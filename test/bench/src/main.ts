// `npm run bench`: runs every scenario against the stack `npm start` runs, prints one table and
// writes the figures as JSON, the table as Markdown and a latency chart as SVG to test/bench/results/.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ApiClient } from './api-client.js';
import { BenchReceiver } from './bench-receiver.js';
import {
  parseBenchArguments,
  USAGE,
  UsageError,
  type BenchSettings,
  type ScenarioName,
} from './bench-settings.js';
import { summarizeCpuProfiles } from './cpu-profile-summary.js';
import type { Figure, ScenarioContext, ScenarioResult } from './figures.js';
import { readLoadAverage } from './proc-stats.js';
import { Progress } from './progress.js';
import { ResourceMonitor } from './resource-monitor.js';
import { runBacklog, startBacklog, type BacklogInProgress } from './scenarios/backlog.js';
import { runBaseline } from './scenarios/baseline.js';
import { runFanOut } from './scenarios/fan-out.js';
import { runLatency } from './scenarios/latency.js';
import { runNoisyNeighbour } from './scenarios/noisy-neighbour.js';
import { runThroughput } from './scenarios/throughput.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { writeResults, type RunState } from './write-results.js';

// Above this 1-minute load average other work shares the cores, and the figures reflect it more than the stack.
const BUSY_LOAD_AVERAGE = 1;
// Each scenario starts once the stack is idle, or after this long.
const SETTLE_TIMEOUT_MS = 120_000;

const SCENARIOS: Record<ScenarioName, (context: ScenarioContext) => Promise<ScenarioResult>> = {
  baseline: runBaseline,
  latency: runLatency,
  throughput: runThroughput,
  'fan-out': runFanOut,
  'noisy-neighbour': runNoisyNeighbour,
  backlog: runBacklog,
};

/** Runs the chosen scenarios in order, adding each one's figures to `run` as soon as it finishes. */
async function runScenarios(options: {
  settings: BenchSettings;
  service: ServiceProcess;
  progress: Progress;
  run: RunState;
}): Promise<void> {
  const { settings, service, progress, run } = options;
  const monitor = new ResourceMonitor(service);
  monitor.start();
  const throughputReceiver = await BenchReceiver.start({
    serverCount: settings.throughputEndpoints,
  });
  const earlierFigures = new Map<string, Figure>();
  let baselinePerSecond: number | null = null;

  const contextFor = (): ScenarioContext => ({
    api: new ApiClient(service.apiUrl, service.apiKey),
    service,
    monitor,
    progress,
    settings,
    secret: `whsec_bench_${randomBytes(12).toString('hex')}`,
    baselinePerSecond,
    throughputReceiver,
    earlierFigures,
  });

  const recordFailure = (name: ScenarioName, error: unknown): void => {
    progress.stopTicking();
    const message = error instanceof Error ? error.message : String(error);
    run.results[name] = { error: message };
    progress.log(`${name}: failed: ${message}`);
  };

  // Runs one scenario, or its last part, and records its figures or its error. One broken scenario
  // should not cost the figures of the others.
  const runOne = async (
    name: ScenarioName,
    scenario: () => Promise<ScenarioResult>,
    startedAt = performance.now(),
  ): Promise<void> => {
    try {
      const result = await scenario();
      run.results[name] = result;
      run.figures.push(...result.figures);
      result.figures.forEach((figure) => earlierFigures.set(figure.id, figure));
      if (name === 'baseline') {
        baselinePerSecond = result.figures[0]?.measured ?? null;
      }
      progress.log(`${name}: done in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
    } catch (error) {
      recordFailure(name, error);
    }
  };

  const waitForIdle = async (name: string): Promise<void> => {
    progress.update(`${name}: waiting for the service to be idle`);
    const settleSeconds = await monitor.waitForQuiet(SETTLE_TIMEOUT_MS);
    if (settleSeconds * 1000 >= SETTLE_TIMEOUT_MS) {
      progress.log(
        `${name}: the service was still busy after ${SETTLE_TIMEOUT_MS / 1000} s; starting anyway`,
      );
    }
    progress.update(`${name}: starting`);
  };

  try {
    // The service's memory before any load, once start-up work is done, for comparison with the backlog's.
    progress.update('waiting for the service to finish starting up');
    await monitor.waitForQuiet(SETTLE_TIMEOUT_MS);
    run.figures.push(
      {
        id: 'startup.service_rss_mb',
        scenario: 'startup',
        label: 'service RSS (worker + API, one process), idle',
        unit: 'MB',
        measured: monitor.serviceRssMB(),
      },
      {
        id: 'startup.temporal_rss_mb',
        scenario: 'startup',
        label: 'Temporal dev server RSS, idle',
        unit: 'MB',
        measured: monitor.temporalRssMB(),
      },
    );

    // With `backlogAlongside`, the backlog's deliveries wait for their 30 s retry while the other
    // scenarios run, instead of the run waiting for them.
    const others = settings.scenarios.filter((name) => name !== 'backlog');
    const backlogAlongside =
      settings.backlogAlongside && settings.scenarios.includes('backlog') && others.length > 0;
    let backlog: BacklogInProgress | null = null;
    let backlogStartedAt = 0;
    if (backlogAlongside) {
      await waitForIdle('backlog');
      backlogStartedAt = performance.now();
      try {
        backlog = await startBacklog(contextFor(), { alongsideOtherScenarios: true });
        progress.log(
          'backlog: every first attempt failed; the other scenarios run while the retries wait',
        );
      } catch (error) {
        recordFailure('backlog', error);
      }
    }

    for (const name of backlogAlongside ? others : settings.scenarios) {
      await waitForIdle(name);
      const context = contextFor();
      await runOne(name, () => SCENARIOS[name](context));
    }

    if (backlog !== null) {
      const startedBacklog = backlog;
      await runOne('backlog', () => startedBacklog.finish({ baselinePerSecond }), backlogStartedAt);
    }
  } finally {
    monitor.stop();
    await throughputReceiver.close();
  }
}

async function main(): Promise<number> {
  let settings: BenchSettings;
  try {
    const parsed = parseBenchArguments(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    settings = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const progress = new Progress();
  const startedAt = new Date();
  const loadAtStart = readLoadAverage();
  if (loadAtStart > BUSY_LOAD_AVERAGE) {
    progress.log(
      `warning: the 1-minute load average is ${loadAtStart.toFixed(2)}; other work on this machine will skew the figures`,
    );
  }

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'lasso-bench-'));
  const profileDir = settings.profile ? path.join(workDir, 'cpu-profiles') : null;
  progress.update(`starting the service (Temporal dev server, PGlite, worker, API) in ${workDir}`);
  const service = await startServiceProcess({
    workDir,
    ...(profileDir !== null ? { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
  });
  progress.log(
    `service running: pid ${service.pid}, API ${service.apiUrl}, Temporal dev server pid ${service.temporalPid ?? 'unknown'}`,
  );

  const run: RunState = { figures: [], results: {} };
  const finish = async (interrupted: boolean): Promise<void> => {
    progress.update('stopping the service');
    await service.stop();
    const profile = profileDir !== null ? await summarizeCpuProfiles(profileDir) : null;
    progress.finish();
    await writeResults({ settings, startedAt, loadAtStart, run, interrupted, profile, profileDir });
    if (settings.keepData) {
      process.stdout.write(`Kept the service's data folder and log in ${workDir}\n`);
    } else {
      await rm(workDir, { recursive: true, force: true });
    }
  };

  // A signal ends the run, but the scenarios that finished are still written out.
  let finishing = false;
  const finishOnSignal = (signal: NodeJS.Signals) => {
    if (finishing) {
      return;
    }
    finishing = true;
    progress.log(`${signal}: stopping, and writing the scenarios that finished`);
    void finish(true).finally(() => process.exit(130));
  };
  process.once('SIGINT', finishOnSignal);
  process.once('SIGTERM', finishOnSignal);

  try {
    await runScenarios({ settings, service, progress, run });
  } catch (error) {
    // An unexpected error still stops the service and writes the scenarios that finished.
    finishing = true;
    await finish(true);
    throw error;
  }
  finishing = true;
  await finish(false);

  const failed = Object.values(run.results).some(
    (result) => result !== undefined && 'error' in result,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
