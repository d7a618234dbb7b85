import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BenchSettings, ScenarioName } from './bench-settings.js';
import { renderProfileSummary, type ProfileSummary } from './cpu-profile-summary.js';
import { meetsTarget, type Figure, type ScenarioResult } from './figures.js';
import { renderLatencyChart } from './latency-chart.js';
import { readLoadAverage } from './proc-stats.js';
import { renderMarkdownReport, renderTextReport } from './report-table.js';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** What a run has measured so far; a signal may end the run with only some scenarios in it. */
export interface RunState {
  figures: Figure[];
  results: Partial<Record<ScenarioName, ScenarioResult | { error: string }>>;
}

function describeMachine() {
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
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    uncommittedChanges,
  };
}

/**
 * Prints the tables to stdout and writes the JSON, Markdown and SVG files of a run to
 * test/bench/results/, plus the CPU profiles when there are any. Returns the files' common path
 * without extension.
 */
export async function writeResults(options: {
  settings: BenchSettings;
  startedAt: Date;
  loadAtStart: number;
  run: RunState;
  /** True when a signal ended the run before every scenario had finished. */
  interrupted: boolean;
  profile: ProfileSummary | null;
  profileDir: string | null;
}): Promise<string> {
  const { settings, startedAt, run } = options;
  const completed = Object.entries(run.results).flatMap(([scenario, result]) =>
    result !== undefined && 'usage' in result ? [{ scenario, result }] : [],
  );
  const report = {
    figures: run.figures,
    usage: completed.map(({ scenario, result }) => ({ scenario, usage: result.usage })),
    tables: completed.flatMap(({ result }) => result.tables ?? []),
  };

  process.stdout.write(`\n${renderTextReport(report)}`);
  if (options.profile !== null) {
    process.stdout.write(`\n${renderProfileSummary(options.profile)}\n`);
  }

  const machine = describeMachine();
  const stamp = startedAt
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const baseName = path.join(RESULTS_DIR, `bench-${settings.mode}-${stamp}`);
  await mkdir(RESULTS_DIR, { recursive: true });

  const subtitle = `${settings.mode} run ${startedAt.toISOString()}${options.interrupted ? ' (interrupted)' : ''}, ${machine.cores} × ${machine.cpuModel}, Node ${machine.node}`;
  const chart = renderLatencyChart({
    title: 'Lasso Webhooks: latency distribution per scenario',
    subtitle,
    series: completed.flatMap(({ result }) => result.series),
  });
  await writeFile(`${baseName}.svg`, chart);
  await writeFile(`${baseName}.md`, renderMarkdownReport(report));

  const scenarios = Object.fromEntries(
    Object.entries(run.results).map(([name, result]) => [
      name,
      result !== undefined && 'details' in result
        ? { details: result.details, usage: result.usage }
        : result,
    ]),
  );
  const document = {
    mode: settings.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    interrupted: options.interrupted,
    machine,
    loadAverage: { atStart: options.loadAtStart, atEnd: readLoadAverage() },
    settings,
    figures: run.figures.map((figure) => ({ ...figure, met: meetsTarget(figure) })),
    scenarios,
    profile: options.profile,
  };
  await writeFile(`${baseName}.json`, `${JSON.stringify(document, null, 2)}\n`);

  if (options.profileDir !== null) {
    await cp(options.profileDir, `${baseName}-cpu-profiles`, { recursive: true });
  }
  process.stdout.write(
    `\nWrote ${baseName}.json, .md and .svg${options.profileDir !== null ? ', and the CPU profiles (for Chrome DevTools) to -cpu-profiles/' : ''}\n`,
  );
  return baseName;
}
