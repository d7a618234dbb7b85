import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { readCpuSeconds, readDiskWriteBytes, readProcessMemory } from './proc-stats.js';
import type { ServiceProcess } from './service-process.js';

/** CPU and memory used during one stretch of a run. CPU is in percent of one core, so 2 cores give 200. */
export interface ResourceUsage {
  wallSeconds: number;
  serviceCpuPercent: number | null;
  temporalCpuPercent: number | null;
  benchCpuPercent: number;
  /** Busy share of all cores of the machine, this run's processes and any others, in percent of one core. */
  machineCpuPercent: number | null;
  servicePeakRssMB: number | null;
  temporalPeakRssMB: number | null;
  /** Bytes written to storage per second, in MB/s (10^6 bytes): PGlite for the service, SQLite for Temporal. */
  serviceDiskWriteMBps: number | null;
  temporalDiskWriteMBps: number | null;
}

interface CpuSnapshot {
  at: number;
  service: number | null;
  temporal: number | null;
  serviceWriteBytes: number | null;
  temporalWriteBytes: number | null;
  benchMicros: number;
  machine: { busy: number; total: number } | null;
}

/** A stretch being measured; `ResourceMonitor.end` turns it into a ResourceUsage. */
export interface UsageWindow {
  start: CpuSnapshot;
  servicePeakRssMB: number | null;
  temporalPeakRssMB: number | null;
}

const SAMPLE_INTERVAL_MS = 500;
const QUIET_WINDOW_MS = 1_000;
// Share of one core below which a process counts as idle.
const QUIET_CPU_SHARE = 0.1;

function readMachineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    // Idle and I/O wait are the 4th and 5th columns.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) {
    return b;
  }
  if (b === null) {
    return a;
  }
  return Math.max(a, b);
}

/**
 * Samples the memory of the service and the Temporal dev server twice a second, and measures their
 * CPU time between two points, from /proc.
 */
export class ResourceMonitor {
  private readonly windows = new Set<UsageWindow>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly service: ServiceProcess) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the service's RSS now, in MB. */
  serviceRssMB(): number | null {
    return readProcessMemory(this.service.pid)?.rssMB ?? null;
  }

  /** Reads the Temporal dev server's RSS now, in MB. */
  temporalRssMB(): number | null {
    return this.service.temporalPid === null
      ? null
      : (readProcessMemory(this.service.temporalPid)?.rssMB ?? null);
  }

  /**
   * Waits until the service and the Temporal dev server each use under 10 % of a core over 1 s, so
   * a scenario does not start while the stack still works off the previous one. Gives up after
   * `timeoutMs`; returns the seconds it waited.
   */
  async waitForQuiet(timeoutMs: number): Promise<number> {
    const startedAt = performance.now();
    const readBoth = () => ({
      service: readCpuSeconds(this.service.pid) ?? 0,
      temporal:
        this.service.temporalPid === null ? 0 : (readCpuSeconds(this.service.temporalPid) ?? 0),
    });
    while (performance.now() - startedAt < timeoutMs) {
      const before = readBoth();
      await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
      const after = readBoth();
      const windowSeconds = QUIET_WINDOW_MS / 1000;
      if (
        (after.service - before.service) / windowSeconds < QUIET_CPU_SHARE &&
        (after.temporal - before.temporal) / windowSeconds < QUIET_CPU_SHARE
      ) {
        break;
      }
    }
    return (performance.now() - startedAt) / 1000;
  }

  begin(): UsageWindow {
    const window: UsageWindow = {
      start: this.snapshot(),
      servicePeakRssMB: null,
      temporalPeakRssMB: null,
    };
    this.windows.add(window);
    this.sampleInto(window);
    return window;
  }

  end(window: UsageWindow): ResourceUsage {
    this.sampleInto(window);
    this.windows.delete(window);
    const end = this.snapshot();
    const wallSeconds = (end.at - window.start.at) / 1000;
    const rate = (from: number | null, to: number | null) =>
      from === null || to === null || wallSeconds <= 0 ? null : (to - from) / 1e6 / wallSeconds;
    const percent = (from: number | null, to: number | null) =>
      from === null || to === null || wallSeconds <= 0 ? null : ((to - from) / wallSeconds) * 100;

    return {
      wallSeconds,
      serviceCpuPercent: percent(window.start.service, end.service),
      temporalCpuPercent: percent(window.start.temporal, end.temporal),
      benchCpuPercent: ((end.benchMicros - window.start.benchMicros) / 1e6 / wallSeconds) * 100,
      machineCpuPercent:
        window.start.machine === null ||
        end.machine === null ||
        end.machine.total === window.start.machine.total
          ? null
          : ((end.machine.busy - window.start.machine.busy) /
              (end.machine.total - window.start.machine.total)) *
            100 *
            availableParallelism(),
      servicePeakRssMB: window.servicePeakRssMB,
      temporalPeakRssMB: window.temporalPeakRssMB,
      serviceDiskWriteMBps: rate(window.start.serviceWriteBytes, end.serviceWriteBytes),
      temporalDiskWriteMBps: rate(window.start.temporalWriteBytes, end.temporalWriteBytes),
    };
  }

  private snapshot(): CpuSnapshot {
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      service: readCpuSeconds(this.service.pid),
      temporal: this.service.temporalPid === null ? null : readCpuSeconds(this.service.temporalPid),
      serviceWriteBytes: readDiskWriteBytes(this.service.pid),
      temporalWriteBytes:
        this.service.temporalPid === null ? null : readDiskWriteBytes(this.service.temporalPid),
      benchMicros: usage.user + usage.system,
      machine: readMachineTicks(),
    };
  }

  private sample(): void {
    for (const window of this.windows) {
      this.sampleInto(window);
    }
  }

  private sampleInto(window: UsageWindow): void {
    window.servicePeakRssMB = maxOrNull(window.servicePeakRssMB, this.serviceRssMB());
    window.temporalPeakRssMB = maxOrNull(window.temporalPeakRssMB, this.temporalRssMB());
  }
}
