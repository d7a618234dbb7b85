import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it, onTestFailed } from 'vitest';

import { startDevServer, type DevServer } from '../support/dev-server.js';
import {
  callEmbeddedApi,
  deliverTableCompleted,
  startEmbeddedProcess,
  type EmbeddedProcess,
} from '../support/embedded-process.js';
import { timerDurationsSeconds } from '../support/history.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { waitFor } from '../support/waits.js';

// NOTE: this test runs and kills a Temporal CLI of its own, so it is skipped when the global setup
// found no CLI file. The setup then runs the SDK's downloaded server, whose path it does not know.
const cliPath = inject('temporalCliPath');

// A key of the LASSO_BOOTSTRAP_API_KEY form: `lasso_` and 20 to 200 of [A-Za-z0-9_-].
const API_KEY = `lasso_temporal_restart_${randomBytes(16).toString('hex')}`;

// Deliveries in each of the two groups: retry timer due during the downtime, and due after it.
const GROUP_SIZE = 2;
// How long the dev server stays dead. The kill lands 5 s before the first group's timers come due,
// so they come due during the downtime.
const DOWNTIME_MS = 10_000;
const RETRY_DELAY_MS = 30_000;
// Room for the worker to poll, start the attempt and send it once the timer fires.
const LATE_SLACK_MS = 3_000;

let workDir: string;
let devServer: DevServer | undefined;
let receivers: RecordingReceiver[] = [];
let lateReceiver: RecordingReceiver | undefined;
const processes: EmbeddedProcess[] = [];

/** Sends a JSON request with the test's API key and returns the status and the parsed body. */
function callApi(running: EmbeddedProcess, method: string, urlPath: string, body?: unknown) {
  return callEmbeddedApi(running, API_KEY, method, urlPath, body);
}

/** Waits until every workflow has started the timer of its first retry, and returns the timers. */
async function waitForRetryTimers(address: string, workflowIds: string[]): Promise<number[][]> {
  const connection = await Connection.connect({ address });
  try {
    const temporal = new Client({ connection, namespace: 'default' });
    return await waitFor('the timers of the first retries', async () => {
      const timers = await Promise.all(
        workflowIds.map((workflowId) => timerDurationsSeconds(temporal, workflowId)),
      );
      return timers.every((durations) => durations.length > 0) ? timers : undefined;
    });
  } finally {
    await connection.close();
  }
}

/** A delivery whose first attempt failed, with when its receiver sent that failure. */
interface RetriedDelivery {
  deliveryId: string;
  workflowId: string;
  receiver: RecordingReceiver;
  failedAt: number;
}

/** Starts one delivery to each receiver and waits until each first attempt has got its response. */
async function startRetriedDeliveries(
  running: EmbeddedProcess,
  targets: RecordingReceiver[],
): Promise<RetriedDelivery[]> {
  const deliveries = await Promise.all(
    targets.map((receiver) => deliverTableCompleted(running, API_KEY, `${receiver.url}/retried`)),
  );
  return Promise.all(
    targets.map(async (receiver, index) => {
      const [attempt1] = await receiver.waitForRequests(1, 30_000);
      const failedAt = await waitFor(
        'attempt 1 to be answered',
        () => attempt1!.answeredAt ?? undefined,
      );
      return {
        deliveryId: deliveries[index].id,
        workflowId: deliveries[index].workflow_id,
        receiver,
        failedAt,
      };
    }),
  );
}

async function sleepUntil(time: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(time - Date.now(), 0)));
}

beforeAll(async () => {
  if (cliPath === null) {
    return;
  }
  workDir = await mkdtemp(path.join(tmpdir(), 'lasso-temporal-restart-'));
  devServer = await startDevServer({ cliPath, dbFilename: path.join(workDir, 'temporal.db') });
  // One receiver per delivery: each fails the first attempt and accepts every later one.
  receivers = await Promise.all(
    Array.from({ length: 2 * GROUP_SIZE }, () =>
      startRecordingReceiver((index) => (index === 0 ? { status: 500 } : { status: 200 })),
    ),
  );
  lateReceiver = await startRecordingReceiver();
});

afterAll(async () => {
  const problems: unknown[] = [];
  // The service first, so its worker still finds Temporal while it drains.
  for (const running of processes) {
    await running.stop().catch((error: unknown) => problems.push(error));
  }
  await devServer?.stop();
  const openReceivers = lateReceiver === undefined ? receivers : [...receivers, lateReceiver];
  await Promise.all(openReceivers.map((receiver) => receiver.close()));
  if (workDir !== undefined) {
    await rm(workDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    throw new AggregateError(problems, 'stopping the embedded processes failed');
  }
});

it.skipIf(cliPath === null)(
  'keeps retry schedule across Temporal kill',
  { timeout: 240_000 },
  async () => {
    onTestFailed(() => {
      processes.forEach((running) =>
        console.error(`output of the service (pid ${running.pid}):\n${running.output()}`),
      );
      console.error(`output of the Temporal dev server:\n${devServer?.output()}`);
    });

    const service = await startEmbeddedProcess({
      dataDir: path.join(workDir, 'service'),
      apiKey: API_KEY,
      temporal: { address: devServer!.address, taskQueue: `temporal-restart-${randomUUID()}` },
    });
    processes.push(service);

    // Deliveries whose retry timer comes due while the dev server is dead, so it fires on restart.
    const dueWhileDown = await startRetriedDeliveries(service, receivers.slice(0, GROUP_SIZE));
    const dueAtMs = Math.min(...dueWhileDown.map((delivery) => delivery.failedAt)) + RETRY_DELAY_MS;
    const killAtMs = dueAtMs - DOWNTIME_MS / 2;

    // Deliveries whose timer comes due after the restart, so it fires on time.
    await sleepUntil(killAtMs - 7_000);
    const dueAfterRestart = await startRetriedDeliveries(service, receivers.slice(GROUP_SIZE));
    const all = [...dueWhileDown, ...dueAfterRestart];

    // Kill only once every retry waits on a durable timer, the state the restart has to keep.
    const timers = await waitForRetryTimers(
      devServer!.address,
      all.map((delivery) => delivery.workflowId),
    );
    expect(timers).toEqual(all.map(() => [RETRY_DELAY_MS / 1000]));

    await sleepUntil(killAtMs);
    const killedAt = Date.now();
    await devServer!.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
    devServer = await startDevServer({
      cliPath: cliPath!,
      dbFilename: path.join(workDir, 'temporal.db'),
      port: devServer!.port,
    });
    const restartedAt = Date.now();
    const downtimeMs = restartedAt - killedAt;

    // Otherwise the first group's timers did not come due during the downtime, and the test
    // would not show what it claims.
    expect(killedAt).toBeLessThan(dueAtMs - 1_000);
    expect(restartedAt).toBeGreaterThan(
      Math.max(...dueWhileDown.map((delivery) => delivery.failedAt)) + RETRY_DELAY_MS,
    );

    const latestMs = RETRY_DELAY_MS + downtimeMs + LATE_SLACK_MS;
    for (const [index, delivery] of all.entries()) {
      const [attempt1, attempt2] = await delivery.receiver.waitForRequests(
        2,
        Math.max(delivery.failedAt + latestMs + 5_000 - Date.now(), 1_000),
      );
      const waitedMs = attempt2!.receivedAt - delivery.failedAt;
      console.info(
        `delivery ${index + 1} (${index < GROUP_SIZE ? 'due while down' : 'due after restart'}): ` +
          `attempt 2 came ${waitedMs} ms after attempt 1 failed; the dev server was down for ${downtimeMs} ms`,
      );
      expect(waitedMs).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 1_000);
      expect(waitedMs).toBeLessThanOrEqual(latestMs);
      expect(attempt2!.headers['x-lasso-attempt']).toBe('2');
      expect(attempt2!.headers['x-lasso-event-id']).toBe(attempt1!.headers['x-lasso-event-id']);
    }

    for (const delivery of all) {
      const finished = await waitFor('the delivery to succeed', async () => {
        const current = await callApi(service, 'GET', `/api/v1/deliveries/${delivery.deliveryId}`);
        return current.body.status === 'succeeded' ? current.body : undefined;
      });
      expect(finished.attempts.map((attempt: any) => attempt.number)).toEqual([1, 2]);
      expect(finished.attempts.map((attempt: any) => attempt.status_code)).toEqual([500, 200]);
    }
    for (const receiver of receivers) {
      expect(receiver.requests).toHaveLength(2);
    }

    // The API's client reconnects too: a table completed now starts a delivery that arrives.
    const late = await waitFor(
      'a delivery started after the restart',
      async () => {
        try {
          return await deliverTableCompleted(
            service,
            API_KEY,
            `${lateReceiver!.url}/after-restart`,
          );
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    await lateReceiver!.waitForRequests(1, 30_000);
    await waitFor('the delivery started after the restart to succeed', async () => {
      const current = await callApi(service, 'GET', `/api/v1/deliveries/${late.id}`);
      return current.body.status === 'succeeded' ? true : undefined;
    });

    expect(service.output()).not.toContain('worker stopped with an error');
    expect(await service.stop('SIGINT')).toBe(0);
  },
);
