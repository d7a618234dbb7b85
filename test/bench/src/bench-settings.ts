/** Scenarios in the order they run; the backlog, the longest, runs last. */
export const SCENARIO_NAMES = [
  'baseline',
  'latency',
  'throughput',
  'fan-out',
  'noisy-neighbour',
  'backlog',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Sizes of one run. `--quick` scales every scenario down; the default is the full run. */
export interface BenchSettings {
  mode: 'full' | 'quick';
  scenarios: ScenarioName[];
  /** Run the service with `--cpu-prof` and summarize where its CPU time went. */
  profile: boolean;
  /** Keep the service's data folder and log instead of deleting them. */
  keepData: boolean;

  /** Signed POSTs of the baseline. The full count is what the throughput target requires in 60 s (250/s). */
  baselinePosts: number;
  /** POSTs in flight at once in the baseline, as many as the worker runs attempts at once. */
  baselineConcurrency: number;

  latencyRates: number[];
  latencySeconds: number;

  throughputSeconds: number;
  /** Endpoints of the throughput scenario; every event goes to all of them. */
  throughputEndpoints: number;
  /** Publish calls in flight at once. */
  throughputConcurrency: number;

  fanOutSubscriptions: number;

  backlogDeliveries: number;
  /**
   * Whether the backlog is built first and the other scenarios run while its retries wait, so the
   * run does not wait 30 s for them. Their load then shares the stack with the retries.
   */
  backlogAlongside: boolean;
  /** The backlog's deliveries are `backlogDeliveries / backlogSubscriptions` events to this many subscriptions. */
  backlogSubscriptions: number;

  noisyRate: number;
  noisySeconds: number;
  noisyHangingEndpoints: number;
  noisyHoldMs: number;
}

const FULL: Omit<BenchSettings, 'scenarios' | 'profile' | 'keepData'> = {
  mode: 'full',
  baselinePosts: 15_000,
  baselineConcurrency: 100,
  latencyRates: [20, 50, 100],
  latencySeconds: 30,
  throughputSeconds: 60,
  throughputEndpoints: 5,
  throughputConcurrency: 16,
  fanOutSubscriptions: 1_000,
  backlogDeliveries: 20_000,
  backlogSubscriptions: 1_000,
  backlogAlongside: false,
  noisyRate: 50,
  noisySeconds: 30,
  noisyHangingEndpoints: 50,
  noisyHoldMs: 10_000,
};

// Small enough that the stack works off each scenario in seconds. The backlog's real 30 s retry
// wait overlaps the other scenarios.
const QUICK: typeof FULL = {
  ...FULL,
  mode: 'quick',
  baselinePosts: 2_000,
  latencySeconds: 1,
  throughputSeconds: 3,
  fanOutSubscriptions: 100,
  backlogDeliveries: 200,
  backlogSubscriptions: 20,
  backlogAlongside: true,
  noisySeconds: 2,
};

export const USAGE = `Usage: npm run bench -- [options]

Starts the service as \`npm start\` does (embedded Temporal dev server, PGlite, worker and API) with a
fresh data folder, runs the scenarios against receivers on loopback, prints a table and writes it as
JSON and Markdown, with an SVG chart of the latencies, to test/bench/results/.

Options:
  --quick             every scenario scaled down, to check the benchmark works; the other
                      scenarios run while the backlog's deliveries wait for their real 30 s retry
  --only=a,b          run only these scenarios: ${SCENARIO_NAMES.join(', ')}
                      (throughput ratios need baseline in the same run)
  --profile           run the service with --cpu-prof and print where its CPU time went
  --keep-data         keep the service's data folder and log (their path is printed)
  --help              print this text
`;

/** Error for an invalid command line; its message names the argument and the reason. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses the command line into settings; throws a UsageError naming the invalid argument. */
export function parseBenchArguments(args: readonly string[]): BenchSettings | 'help' {
  let quick = false;
  let profile = false;
  let keepData = false;
  let scenarios: ScenarioName[] = [...SCENARIO_NAMES];

  for (const argument of args) {
    if (argument === '--help' || argument === '-h') {
      return 'help';
    }
    if (argument === '--quick') {
      quick = true;
    } else if (argument === '--profile') {
      profile = true;
    } else if (argument === '--keep-data') {
      keepData = true;
    } else if (argument.startsWith('--only=')) {
      const names = argument
        .slice('--only='.length)
        .split(',')
        .filter((name) => name !== '');
      const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
      if (names.length === 0 || unknown.length > 0) {
        throw new UsageError(
          `--only: invalid scenario ${unknown.join(', ') || '(none)'}; choose from ${SCENARIO_NAMES.join(', ')}`,
        );
      }
      // Kept in run order whatever order they were given in.
      scenarios = SCENARIO_NAMES.filter((name) => names.includes(name));
    } else if (argument === '--only') {
      throw new UsageError(
        '--only: missing scenarios; write them after an equals sign, as in --only=latency,fan-out',
      );
    } else {
      throw new UsageError(`unknown argument ${argument}; run with --help for the options`);
    }
  }

  return { ...(quick ? QUICK : FULL), scenarios, profile, keepData };
}
