import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { BaselineSenderInput, BaselineSenderOutput } from '../baseline-sender.js';
import type { ScenarioContext, ScenarioResult } from '../figures.js';

const SENDER_ENTRY = fileURLToPath(new URL('../baseline-sender.js', import.meta.url));
const SENDER_TIMEOUT_MS = 300_000;

/** Endpoint names the baseline and the throughput scenario share, one per receiver server. */
export function throughputEndpointName(index: number): string {
  return `throughput-${index}`;
}

async function runSender(input: BaselineSenderInput): Promise<BaselineSenderOutput> {
  const child = spawn(process.execPath, [SENDER_ENTRY, JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const timer = setTimeout(() => child.kill('SIGKILL'), SENDER_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`baseline sender exited with code ${code}: ${stderr.trim()}`);
  }
  return JSON.parse(stdout) as BaselineSenderOutput;
}

/**
 * Measures the machine's limit: the signed POSTs the worker would send, from one Node process to
 * the throughput scenario's receiver, with no Temporal and no database.
 */
export async function runBaseline(context: ScenarioContext): Promise<ScenarioResult> {
  const { settings, throughputReceiver, progress } = context;
  const urls = Array.from({ length: settings.throughputEndpoints }, (_, index) =>
    throughputReceiver.endpointUrl(throughputEndpointName(index), index),
  );
  const arrivalsBefore = throughputReceiver.arrivals.length;

  const window = context.monitor.begin();
  progress.tick(
    () =>
      `baseline: ${throughputReceiver.arrivals.length - arrivalsBefore} of ${settings.baselinePosts} signed POSTs received`,
  );
  const output = await runSender({
    urls,
    count: settings.baselinePosts,
    concurrency: settings.baselineConcurrency,
    secret: context.secret,
  });
  progress.stopTicking();
  const usage = context.monitor.end(window);

  const perSecond = output.succeeded / (output.elapsedMs / 1000);
  return {
    figures: [
      {
        id: 'baseline.posts_per_second',
        scenario: 'baseline',
        label: `signed POSTs/s, one process, ${settings.baselineConcurrency} in flight`,
        unit: '/s',
        measured: perSecond,
        ratioToBaseline: 1,
      },
    ],
    details: {
      ...output,
      received: throughputReceiver.arrivals.length - arrivalsBefore,
      perSecond,
    },
    series: [],
    usage,
  };
}
