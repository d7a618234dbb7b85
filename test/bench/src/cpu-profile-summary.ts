import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` file (as `node --cpu-prof` writes it) that the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where the service's CPU time went, by library and by function, in ms of sampled time. */
export interface ProfileSummary {
  files: number;
  /** Sampled time that was not idle, over all threads. */
  busyMs: number;
  byCategory: Array<{ category: string; ms: number; share: number }>;
  topFunctions: Array<{ name: string; where: string; ms: number; share: number }>;
}

// First match wins: the specific libraries before the project's own code and Node's internals.
const CATEGORIES: Array<[string, RegExp]> = [
  ['PGlite (PostgreSQL in WebAssembly)', /@electric-sql\/pglite|^wasm:/],
  ['Temporal workflow bundle (workflow code and SDK, in the sandbox)', /workflow-bundle/],
  ['Temporal SDK', /@temporalio\//],
  ['gRPC and protobuf', /@grpc\/|protobufjs|long\/|proto3-json/],
  ['undici (HTTP client)', /undici/],
  ['zod', /\/zod\//],
  ['tRPC', /@trpc\//],
  ['project: server', /\/server\/dist\//],
  ['project: workflows', /\/workflows\/dist\//],
  ['project: contracts and client', /\/(contracts|client)\/dist\//],
  ['other packages', /node_modules/],
  ['Node internals', /^node:|^internal\//],
];

function categoryOf(url: string, functionName: string): string {
  if (url === '') {
    // V8 names its own work in brackets: (garbage collector), (program), (idle) and native code.
    return functionName.startsWith('(') ? functionName : 'native (V8 built-ins)';
  }
  return CATEGORIES.find(([, pattern]) => pattern.test(url))?.[0] ?? 'other';
}

/** Reads every `.cpuprofile` in `folder` and sums the sampled self time per category and per function. */
export async function summarizeCpuProfiles(folder: string): Promise<ProfileSummary> {
  const names = (await readdir(folder).catch(() => [] as string[])).filter((name) =>
    name.endsWith('.cpuprofile'),
  );
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; ms: number }>();

  for (const name of names) {
    const profile = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as CpuProfile;
    if (profile.samples.length === 0) {
      continue;
    }
    // Samples are evenly spaced on average; times are in µs.
    const msPerSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    for (const nodeId of profile.samples) {
      const frame = nodes.get(nodeId);
      if (frame === undefined) {
        continue;
      }
      const category = categoryOf(frame.url, frame.functionName);
      byCategory.set(category, (byCategory.get(category) ?? 0) + msPerSample);

      const where =
        frame.url === ''
          ? ''
          : `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(\w+\/dist\/)/, '$1')}:${frame.lineNumber + 1}`;
      const key = `${frame.functionName}@${where}`;
      const entry = byFunction.get(key) ?? {
        name: frame.functionName || '(anonymous)',
        where,
        ms: 0,
      };
      entry.ms += msPerSample;
      byFunction.set(key, entry);
    }
  }

  // Idle time is the event loop waiting, not work; shares are of the busy time only.
  byCategory.delete('(idle)');
  for (const [key, entry] of byFunction) {
    if (entry.name === '(idle)') {
      byFunction.delete(key);
    }
  }
  const busyMs = [...byCategory.values()].reduce((sum, ms) => sum + ms, 0);
  const share = (ms: number) => (busyMs === 0 ? 0 : ms / busyMs);

  return {
    files: names.length,
    busyMs,
    byCategory: [...byCategory.entries()]
      .map(([category, ms]) => ({ category, ms, share: share(ms) }))
      .sort((a, b) => b.ms - a.ms),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 20)
      .map((entry) => ({ ...entry, share: share(entry.ms) })),
  };
}

/** Renders a summary as plain text lines: categories first, then the 10 functions with the most self time. */
export function renderProfileSummary(summary: ProfileSummary): string {
  const percent = (value: number) => `${(value * 100).toFixed(1).padStart(5)} %`;
  return [
    `Service CPU profile: ${(summary.busyMs / 1000).toFixed(1)} s busy, from ${summary.files} thread profiles (start-up included)`,
    ...summary.byCategory
      .slice(0, 12)
      .map((entry) => `  ${percent(entry.share)}  ${entry.category}`),
    'Functions with the most self time:',
    ...summary.topFunctions
      .slice(0, 10)
      .map((entry) => `  ${percent(entry.share)}  ${entry.name}  ${entry.where}`),
  ].join('\n');
}
