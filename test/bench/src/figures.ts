import { deleteSubscriptions, type ApiClient } from './api-client.js';
import type { BenchReceiver } from './bench-receiver.js';
import type { BenchSettings } from './bench-settings.js';
import type { Progress } from './progress.js';
import type { ResourceMonitor, ResourceUsage } from './resource-monitor.js';
import type { ServiceProcess } from './service-process.js';

/** A target a figure is held to: at most or at least `value`, in the figure's unit. */
export interface Target {
  comparison: '<=' | '>=';
  value: number;
}

/** One row of the results table; `id` stays the same from run to run so runs can be compared. */
export interface Figure {
  id: string;
  scenario: string;
  label: string;
  unit: string;
  measured: number | null;
  target?: Target;
  /** For throughputs: the measured rate divided by the baseline's, from the same run. */
  ratioToBaseline?: number | null;
}

/** Latencies of one series for the chart, in ms. */
export interface LatencySeries {
  label: string;
  samplesMs: number[];
}

/** A small table printed under the figures, such as where the latency goes. */
export interface ReportTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** What a scenario returns: its figures, the raw numbers behind them and its chart series. */
export interface ScenarioResult {
  figures: Figure[];
  details: Record<string, unknown>;
  series: LatencySeries[];
  usage: ResourceUsage;
  tables?: ReportTable[];
}

/** What every scenario gets from the runner. */
export interface ScenarioContext {
  api: ApiClient;
  service: ServiceProcess;
  monitor: ResourceMonitor;
  progress: Progress;
  settings: BenchSettings;
  /** The secret of every subscription, so every delivery is signed as in production. */
  secret: string;
  /** Signed POSTs per second of the baseline in this run, or null when it did not run. */
  baselinePerSecond: number | null;
  /** Endpoints shared by the baseline and the throughput scenario, so both send to the same receiver. */
  throughputReceiver: BenchReceiver;
  /** Latency figures of earlier scenarios, by id, for comparisons such as the noisy neighbour's. */
  earlierFigures: ReadonlyMap<string, Figure>;
}

/** Returns true when the figure meets its target, false when it misses, null without a target or value. */
export function meetsTarget(figure: Figure): boolean | null {
  if (figure.target === undefined || figure.measured === null) {
    return null;
  }
  return figure.target.comparison === '<='
    ? figure.measured <= figure.target.value
    : figure.measured >= figure.target.value;
}

/** Divides a rate by the baseline's rate; null when either is missing. */
export function ratioTo(baselinePerSecond: number | null, perSecond: number | null): number | null {
  return baselinePerSecond === null || perSecond === null || baselinePerSecond === 0
    ? null
    : perSecond / baselinePerSecond;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `isDone` every 50 ms until it returns true or `timeoutMs` passes; returns whether it
 * finished. Never throws on timeout, so a scenario can report what arrived.
 */
export async function waitUntil(isDone: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!isDone()) {
    if (performance.now() > deadline) {
      return false;
    }
    await sleep(50);
  }
  return true;
}

// A scenario's leftovers (deliveries of publishes that timed out on this side but were stored)
// get this long to be delivered before the subscriptions are deleted.
const LEFTOVER_WAIT_MS = 900_000;

/**
 * Deletes a scenario's subscriptions at its end, once the stack is idle, which cancels whatever is
 * still waiting for a retry, so nothing of it lands in a later scenario. Waiting first matters:
 * cancelling thousands of queued deliveries would keep the stack busy into the next scenario. A
 * failure is written to the progress log rather than thrown, so it cannot hide the scenario's own error.
 */
export async function removeSubscriptions(
  context: ScenarioContext,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  context.progress.update('waiting for the stack to work off what the scenario left');
  await context.monitor.waitForQuiet(LEFTOVER_WAIT_MS);

  context.progress.update(`deleting ${ids.length} subscriptions`);
  try {
    const cancelled = await deleteSubscriptions(context.api, { ids });
    if (cancelled > 0) {
      context.progress.log(`deleting the subscriptions cancelled ${cancelled} pending deliveries`);
    }
  } catch (error) {
    context.progress.log(`warning: ${error instanceof Error ? error.message : String(error)}`);
  }
}
