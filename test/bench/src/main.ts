// `npm run bench`: runs every scenario against the stack `npm start` runs, prints one table and
// writes the figures as JSON, the table as Markdown and a latency chart as SVG to test/bench/results/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiClient } from './api-client.js';
import { BenchReceiver } from './bench-receiver.js';
import {
  parseBenchArguments,
  USAGE,
  UsageError,
  type BenchSettings,
  type ScenarioName,
} from './bench-settings.js';
import {
  renderProfileSummary,
  summarizeCpuProfiles,
  type ProfileSummary,
} from './cpu-profile-summary.js';
import { meetsTarget, type Figure, type ScenarioContext, type ScenarioResult } from './figures.js';
import { renderLatencyChart } from './latency-chart.js';
import { readLoadAverage } from './proc-stats.js';
import { Progress } from './progress.js';
import { renderMarkdownReport, renderTextReport } from './report-table.js';
import { ResourceMonitor } from './resource-monitor.js';
import { runBacklog } from './scenarios/backlog.js';
import { runBaseline } from './scenarios/baseline.js';
import { runFanOut } from './scenarios/fan-out.js';
import { runLatency } from './scenarios/latency.js';
import { runNoisyNeighbour } from './scenarios/noisy-neighbour.js';
import { runThroughput } from './scenarios/throughput.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
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

function describeMachine() {
  const cpus = os.cpus();
  let commit: string | null = null;
  let uncommittedChanges: boolean | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    uncommittedChanges =
      execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    // Not a git checkout; the figures are still valid.
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    uncommittedChanges,
  };
}

async function runScenarios(options: {
  settings: BenchSettings;
  service: ServiceProcess;
  progress: Progress;
}): Promise<{
  figures: Figure[];
  results: Partial<Record<ScenarioName, ScenarioResult | { error: string }>>;
}> {
  const { settings, service, progress } = options;
  const monitor = new ResourceMonitor(service);
  monitor.start();
  const throughputReceiver = await BenchReceiver.start({
    serverCount: settings.throughputEndpoints,
  });
  const figures: Figure[] = [];
  const earlierFigures = new Map<string, Figure>();
  const results: Partial<Record<ScenarioName, ScenarioResult | { error: string }>> = {};
  let baselinePerSecond: number | null = null;

  // The service's memory before any load, once start-up work is done, for comparison with the backlog's.
  progress.update('waiting for the service to finish starting up');
  await monitor.waitForQuiet(SETTLE_TIMEOUT_MS);
  figures.push(
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

  try {
    for (const name of settings.scenarios) {
      progress.update(`${name}: waiting for the service to be idle`);
      const settleSeconds = await monitor.waitForQuiet(SETTLE_TIMEOUT_MS);
      if (settleSeconds * 1000 >= SETTLE_TIMEOUT_MS) {
        progress.log(
          `${name}: the service was still busy after ${SETTLE_TIMEOUT_MS / 1000} s; starting anyway`,
        );
      }
      progress.update(`${name}: starting`);
      const context: ScenarioContext = {
        api: new ApiClient(service.apiUrl, service.apiKey),
        service,
        monitor,
        progress,
        settings,
        secret: `whsec_bench_${randomBytes(12).toString('hex')}`,
        baselinePerSecond,
        throughputReceiver,
        earlierFigures,
      };
      const scenarioStartedAt = performance.now();
      try {
        const result = await SCENARIOS[name](context);
        results[name] = result;
        figures.push(...result.figures);
        result.figures.forEach((figure) => earlierFigures.set(figure.id, figure));
        if (name === 'baseline') {
          baselinePerSecond = result.figures[0]?.measured ?? null;
        }
        progress.log(
          `${name}: done in ${((performance.now() - scenarioStartedAt) / 1000).toFixed(0)} s`,
        );
      } catch (error) {
        // One broken scenario should not cost the figures of the others.
        progress.stopTicking();
        results[name] = { error: error instanceof Error ? error.message : String(error) };
        progress.log(`${name}: failed: ${results[name].error}`);
      }
    }
  } finally {
    monitor.stop();
    await throughputReceiver.close();
  }
  return { figures, results };
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
  const profileDir = path.join(workDir, 'cpu-profiles');
  progress.update(`starting the service (Temporal dev server, PGlite, worker, API) in ${workDir}`);
  const service = await startServiceProcess({
    workDir,
    ...(settings.profile ? { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
  });
  progress.log(
    `service running: pid ${service.pid}, API ${service.apiUrl}, Temporal dev server pid ${service.temporalPid ?? 'unknown'}`,
  );

  let stopping = false;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    progress.log(`${signal}: stopping the service`);
    void service.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  let outcome: Awaited<ReturnType<typeof runScenarios>>;
  try {
    outcome = await runScenarios({ settings, service, progress });
  } finally {
    progress.update('stopping the service');
    await service.stop();
  }

  let profile: ProfileSummary | null = null;
  if (settings.profile) {
    profile = await summarizeCpuProfiles(profileDir);
  }
  progress.finish();

  const usage = Object.entries(outcome.results).flatMap(([scenario, result]) =>
    result !== undefined && 'usage' in result ? [{ scenario, usage: result.usage }] : [],
  );
  const machine = describeMachine();
  const tables = Object.values(outcome.results).flatMap((result) =>
    result !== undefined && 'tables' in result ? (result.tables ?? []) : [],
  );
  const report = { figures: outcome.figures, usage, tables };
  const textReport = renderTextReport(report);
  process.stdout.write(`\n${textReport}`);
  if (profile !== null) {
    process.stdout.write(`\n${renderProfileSummary(profile)}\n`);
  }

  const stamp = startedAt
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const baseName = path.join(RESULTS_DIR, `bench-${settings.mode}-${stamp}`);
  await mkdir(RESULTS_DIR, { recursive: true });
  const series = Object.values(outcome.results).flatMap((result) =>
    result !== undefined && 'series' in result ? result.series : [],
  );
  const subtitle = `${settings.mode} run ${startedAt.toISOString()}, ${machine.cores} × ${machine.cpuModel}, Node ${machine.node}`;
  await writeFile(
    `${baseName}.svg`,
    renderLatencyChart({
      title: 'Lasso Webhooks: latency distribution per scenario',
      subtitle,
      series,
    }),
  );
  await writeFile(`${baseName}.md`, renderMarkdownReport(report));
  await writeFile(
    `${baseName}.json`,
    `${JSON.stringify(
      {
        mode: settings.mode,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine,
        loadAverage: { atStart: loadAtStart, atEnd: readLoadAverage() },
        settings,
        figures: outcome.figures.map((figure) => ({ ...figure, met: meetsTarget(figure) })),
        scenarios: Object.fromEntries(
          Object.entries(outcome.results).map(([name, result]) => [
            name,
            result !== undefined && 'details' in result
              ? { details: result.details, usage: result.usage }
              : result,
          ]),
        ),
        profile,
      },
      null,
      2,
    )}\n`,
  );
  if (settings.profile) {
    await cp(profileDir, `${baseName}-cpu-profiles`, { recursive: true });
  }
  process.stdout.write(
    `\nWrote ${baseName}.json, .md and .svg${settings.profile ? ', and the CPU profiles to open in Chrome DevTools in -cpu-profiles/' : ''}\n`,
  );

  if (settings.keepData) {
    process.stdout.write(`Kept the service's data folder and log in ${workDir}\n`);
  } else {
    await rm(workDir, { recursive: true, force: true });
  }
  const failed = Object.values(outcome.results).some(
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
