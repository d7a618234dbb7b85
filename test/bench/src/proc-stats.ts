import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Linux reports CPU time in clock ticks; `getconf` gives their rate (100 on most kernels).
const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** Memory of one process from /proc/<pid>/status, in MB (10^6 bytes). */
export interface ProcessMemory {
  /** Resident set size now (VmRSS). */
  rssMB: number;
  /** Highest resident set size so far (VmHWM). */
  peakRssMB: number;
}

const BYTES_PER_MB = 1_000_000;

/** Reads VmRSS and VmHWM of a process; returns null when the process no longer exists. */
export function readProcessMemory(pid: number): ProcessMemory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  // The kernel's "kB" here is KiB.
  const bytes = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssMB: bytes('VmRSS') / BYTES_PER_MB, peakRssMB: bytes('VmHWM') / BYTES_PER_MB };
}

/** Reads the CPU time (user plus system) a process has used so far, in seconds; null once it is gone. */
export function readCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name in brackets may hold spaces, so the fields are counted after its closing bracket.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Reads how many bytes a process has caused to be written to storage so far (`write_bytes` of
 * /proc/<pid>/io); null once it is gone or when the kernel does not account I/O.
 */
export function readDiskWriteBytes(pid: number): number | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const match = /^write_bytes:\s+(\d+)/m.exec(io);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** Lists the direct children of a process with their command names, by scanning /proc. */
export function listChildProcesses(parentPid: number): Array<{ pid: number; command: string }> {
  const children: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === parentPid) {
      children.push({ pid: Number(entry), command });
    }
  }
  return children;
}

/** Returns the total size in MB of the files under `target` (a file or a folder); 0 when it is missing. */
export function diskUsageMB(target: string): number {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) {
    return stats.size / BYTES_PER_MB;
  }
  return readdirSync(target).reduce((sum, name) => sum + diskUsageMB(path.join(target, name)), 0);
}

/** Reads the 1-minute load average of the machine from /proc/loadavg. */
export function readLoadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}
