import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, expect, inject, it, onTestFailed } from 'vitest';

import {
  callEmbeddedApi,
  deliverTableCompleted,
  startEmbeddedProcess,
  type EmbeddedProcess,
} from '../support/embedded-process.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { waitFor } from '../support/waits.js';

// A key of the LASSO_BOOTSTRAP_API_KEY form: `lasso_` and 20 to 200 of [A-Za-z0-9_-].
const API_KEY = `lasso_sigkill_${randomBytes(16).toString('hex')}`;

const DELIVERIES = 5;
const RETRY_DELAY_MS = 30_000;
// An attempt runs as a local activity inside a workflow task; Temporal hands the task of a dead
// worker to another worker once the workflow task timeout (its default, 10 s) has passed.
const WORKFLOW_TASK_TIMEOUT_MS = 10_000;

let dataDir: string;
let receivers: RecordingReceiver[] = [];
// While true, the receivers keep every request after the first open and send no response.
let holding = true;
const processes: EmbeddedProcess[] = [];

/** Sends a JSON request with the test's API key and returns the status and the parsed body. */
function callApi(running: EmbeddedProcess, method: string, urlPath: string, body?: unknown) {
  return callEmbeddedApi(running, API_KEY, method, urlPath, body);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lasso-worker-sigkill-'));
  // One receiver per delivery: it fails attempt 1, keeps attempt 2 open until the kill, then accepts.
  receivers = await Promise.all(
    Array.from({ length: DELIVERIES }, () =>
      startRecordingReceiver((index) => {
        if (index === 0) {
          return { status: 500 };
        }
        return holding ? { hang: true } : { status: 200 };
      }),
    ),
  );
});

afterAll(async () => {
  const problems: unknown[] = [];
  for (const running of processes) {
    await running.stop().catch((error: unknown) => problems.push(error));
  }
  await Promise.all(receivers.map((receiver) => receiver.close()));
  if (dataDir !== undefined) {
    await rm(dataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    throw new AggregateError(problems, 'stopping the embedded processes failed');
  }
});

it('finishes attempts cut off by SIGKILL', { timeout: 300_000 }, async () => {
  onTestFailed(() => {
    processes.forEach((running, index) =>
      console.error(`output of process ${index + 1} (pid ${running.pid}):\n${running.output()}`),
    );
  });

  // Temporal runs outside the process, so it keeps the workflows' state through the kill.
  const options = {
    dataDir,
    apiKey: API_KEY,
    temporal: { address: inject('temporalAddress'), taskQueue: `worker-sigkill-${randomUUID()}` },
  };
  const first = await startEmbeddedProcess(options);
  processes.push(first);

  const deliveries = await Promise.all(
    receivers.map((receiver, index) =>
      deliverTableCompleted(first, API_KEY, `${receiver.url}/delivery-${index + 1}`),
    ),
  );

  // Attempt 2 of every delivery is in flight: sent, and held open by its receiver.
  await Promise.all(
    receivers.map((receiver) => receiver.waitForRequests(2, RETRY_DELAY_MS + 30_000)),
  );
  for (const delivery of deliveries) {
    const inFlight = await callApi(first, 'GET', `/api/v1/deliveries/${delivery.id}`);
    expect(inFlight.body.status).toBe('pending');
    expect(inFlight.body.attempts.map((attempt: any) => attempt.number)).toEqual([1]);
  }

  const killedAt = Date.now();
  await first.stop('SIGKILL');
  holding = false;
  for (const receiver of receivers) {
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.answeredAt).toBeNull();
  }

  const second = await startEmbeddedProcess(options);
  processes.push(second);

  const finished = await waitFor(
    'every delivery to succeed',
    async () => {
      const current = await Promise.all(
        deliveries.map((delivery) => callApi(second, 'GET', `/api/v1/deliveries/${delivery.id}`)),
      );
      return current.every((response) => response.body.status === 'succeeded')
        ? current.map((response) => response.body)
        : undefined;
    },
    { timeoutMs: WORKFLOW_TASK_TIMEOUT_MS + 60_000, intervalMs: 500 },
  );

  for (const [index, delivery] of finished.entries()) {
    const receiver = receivers[index]!;
    const requests = receiver.requests;
    const attempts: any[] = delivery.attempts;

    // Attempt records are numbered 1..n with no gap and no repeat: 1 failed, 2 succeeded.
    expect(attempts.map((attempt) => attempt.number)).toEqual([1, 2]);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['http_error', 'succeeded']);
    expect(attempts.map((attempt) => attempt.status_code)).toEqual([500, 200]);
    expect(delivery.attempt_count).toBe(2);

    // The attempt the kill cut off was sent again as the same attempt: same number, same
    // X-Lasso-Delivery-Id, same bytes. Only the last request got a response, a 200.
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.map((request) => request.headers['x-lasso-attempt'])).toEqual([
      '1',
      ...requests.slice(1).map(() => '2'),
    ]);
    expect(requests[0]!.headers['x-lasso-delivery-id']).toBe(attempts[0].delivery_attempt_id);
    expect(
      new Set(requests.slice(1).map((request) => request.headers['x-lasso-delivery-id'])),
    ).toEqual(new Set([attempts[1].delivery_attempt_id]));
    expect(attempts[0].delivery_attempt_id).not.toBe(attempts[1].delivery_attempt_id);
    expect(new Set(requests.map((request) => request.headers['x-lasso-event-id'])).size).toBe(1);
    expect(new Set(requests.map((request) => request.body.toString('utf8'))).size).toBe(1);
    expect(requests.at(-1)!.answeredAt).not.toBeNull();
    expect(requests.at(-1)!.receivedAt).toBeGreaterThan(killedAt);

    // The repeat comes once the cut-off attempt's workflow task has timed out.
    const repeatedAfterMs = requests[2]!.receivedAt - requests[1]!.receivedAt;
    console.info(
      `delivery ${index + 1}: attempt 2 was sent again ${repeatedAfterMs} ms after the cut-off one`,
    );
    expect(repeatedAfterMs).toBeGreaterThanOrEqual(WORKFLOW_TASK_TIMEOUT_MS - 1_000);
  }

  // One delivery per table, none made twice by the restart.
  const listed = await callApi(second, 'GET', '/api/v1/deliveries?limit=100');
  expect(listed.body.data).toHaveLength(DELIVERIES);
  expect(new Set(listed.body.data.map((delivery: any) => delivery.id))).toEqual(
    new Set(deliveries.map((delivery) => delivery.id)),
  );

  expect(await second.stop('SIGINT')).toBe(0);
});
