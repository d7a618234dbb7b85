import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';

import {
  callEmbeddedApi,
  startEmbeddedProcess,
  type EmbeddedProcess,
} from '../support/embedded-process.js';
import { timerDurationsSeconds } from '../support/history.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { waitFor } from '../support/waits.js';

// A key of the LASSO_BOOTSTRAP_API_KEY form: `lasso_` and 20 to 200 of [A-Za-z0-9_-].
const API_KEY = `lasso_restart_${randomBytes(16).toString('hex')}`;

// How long the service stays stopped. The retry's 30 s timer is still running when it comes back.
const DOWNTIME_MS = 5_000;

let dataDir: string;
let receiver: RecordingReceiver;
let cancelledReceiver: RecordingReceiver;
const processes: EmbeddedProcess[] = [];

/** Sends a JSON request with the test's API key and returns the status and the parsed body. */
function callApi(running: EmbeddedProcess, method: string, urlPath: string, body?: unknown) {
  return callEmbeddedApi(running, API_KEY, method, urlPath, body);
}

/** Starts `npm start` on the shared data folder and keeps it for cleanup. */
async function startProcess(): Promise<EmbeddedProcess> {
  const running = await startEmbeddedProcess({ dataDir, apiKey: API_KEY });
  processes.push(running);
  return running;
}

/** Waits until the delivery's workflow has started the timer of its first retry. */
async function waitForRetryTimer(running: EmbeddedProcess, workflowId: string): Promise<number[]> {
  const connection = await Connection.connect({ address: running.temporalAddress });
  try {
    const temporal = new Client({ connection, namespace: 'default' });
    return await waitFor('the timer of the first retry', async () => {
      const timers = await timerDurationsSeconds(temporal, workflowId);
      return timers.length > 0 ? timers : undefined;
    });
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lasso-restart-'));
  receiver = await startRecordingReceiver((index) =>
    index === 0 ? { status: 500 } : { status: 200 },
  );
  cancelledReceiver = await startRecordingReceiver(() => ({ status: 500 }));
});

afterAll(async () => {
  const problems: unknown[] = [];
  for (const running of processes) {
    await running.stop().catch((error: unknown) => problems.push(error));
  }
  await receiver?.close();
  await cancelledReceiver?.close();
  if (dataDir !== undefined) {
    await rm(dataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    throw new AggregateError(problems, 'stopping the embedded processes failed');
  }
});

it('keeps waiting retries and cancellations across a restart', { timeout: 180_000 }, async () => {
  onTestFailed(() => {
    processes.forEach((running, index) =>
      console.error(`output of process ${index + 1} (pid ${running.pid}):\n${running.output()}`),
    );
  });

  const first = await startProcess();
  expect(first.output()).toContain(`API key:          ${API_KEY}`);

  const created = await callApi(first, 'POST', '/api/v1/tables', {
    schema_id: 'sch_invoices',
    name: 'Invoices March',
    file_ids: ['file_1'],
    webhook_url: `${receiver.url}/restart`,
  });
  expect(created.status).toBe(201);
  const tableId: string = created.body.id;

  const completed = await callApi(first, 'POST', `/api/v1/tables/${tableId}/complete`, {
    total_rows: 5,
  });
  expect(completed.status).toBe(200);

  const [attempt1] = await receiver.waitForRequests(1, 30_000);
  const failedAt = await waitFor(
    'attempt 1 to be answered',
    () => attempt1!.answeredAt ?? undefined,
  );

  const listed = await callApi(first, 'GET', `/api/v1/deliveries?table_id=${tableId}`);
  expect(listed.body.data).toHaveLength(1);
  const deliveryId: string = listed.body.data[0].id;
  const workflowId: string = listed.body.data[0].workflow_id;

  // Stop only once the retry waits on a durable timer, the state the restart has to survive.
  const timers = await waitForRetryTimer(first, workflowId);
  expect(timers).toEqual([30]);
  const waiting = await callApi(first, 'GET', `/api/v1/deliveries/${deliveryId}`);
  expect(waiting.body.status).toBe('pending');
  expect(waiting.body.attempt_count).toBe(1);

  // A second delivery is cancelled while its retry waits; the restart must not bring it back.
  const cancelledTable = await callApi(first, 'POST', '/api/v1/tables', {
    schema_id: 'sch_invoices',
    name: 'Invoices April',
    file_ids: ['file_2'],
    webhook_url: `${cancelledReceiver.url}/cancelled`,
  });
  await callApi(first, 'POST', `/api/v1/tables/${cancelledTable.body.id}/complete`, {
    total_rows: 1,
  });
  await cancelledReceiver.waitForRequests(1, 30_000);
  const toCancel = await callApi(
    first,
    'GET',
    `/api/v1/deliveries?table_id=${cancelledTable.body.id}`,
  );
  await waitForRetryTimer(first, toCancel.body.data[0].workflow_id);
  const cancelled = await callApi(
    first,
    'POST',
    `/api/v1/deliveries/${toCancel.body.data[0].id}/cancel`,
  );
  expect(cancelled.body.status).toBe('cancelled');

  const stoppedAt = Date.now();
  expect(await first.stop('SIGINT')).toBe(0);
  expect(first.output()).not.toContain('shutdown step failed');
  await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
  const restartedAt = Date.now();
  expect(receiver.requests).toHaveLength(1);

  const second = await startProcess();
  expect(second.output()).toContain(`API key:          ${API_KEY}`);
  const requestsWhileDown = receiver.requests.filter(
    (request) => request.receivedAt >= stoppedAt && request.receivedAt < restartedAt,
  );
  expect(requestsWhileDown).toEqual([]);

  const unknownKey = await fetch(`${second.apiUrl}/api/v1/tables`, {
    headers: { Authorization: 'Bearer lasso_unknown_0123456789abcdef' },
  });
  expect(unknownKey.status).toBe(401);
  const table = await callApi(second, 'GET', `/api/v1/tables/${tableId}`);
  expect(table.status).toBe(200);
  expect(table.body.status).toBe('completed');
  expect(table.body.total_rows).toBe(5);

  const [, attempt2] = await receiver.waitForRequests(2, failedAt + 45_000 - Date.now());
  const waitedMs = attempt2!.receivedAt - failedAt;
  expect(waitedMs).toBeGreaterThanOrEqual(29_000);
  expect(waitedMs).toBeLessThanOrEqual(45_000);
  expect(attempt2!.headers['x-lasso-attempt']).toBe('2');
  expect(attempt2!.headers['x-lasso-event-id']).toBe(attempt1!.headers['x-lasso-event-id']);
  expect(attempt2!.body.equals(attempt1!.body)).toBe(true);

  const succeeded = await waitFor('the delivery to succeed', async () => {
    const current = await callApi(second, 'GET', `/api/v1/deliveries?table_id=${tableId}`);
    return current.body.data[0]?.status === 'succeeded' ? current.body.data[0] : undefined;
  });
  expect(succeeded.id).toBe(deliveryId);
  expect(succeeded.attempt_count).toBe(2);

  const detailed = await callApi(second, 'GET', `/api/v1/deliveries/${deliveryId}`);
  expect(detailed.status).toBe(200);
  expect(detailed.body.attempts.map((attempt: any) => attempt.outcome)).toEqual([
    'http_error',
    'succeeded',
  ]);
  expect(detailed.body.attempts.map((attempt: any) => attempt.status_code)).toEqual([500, 200]);
  expect(receiver.requests).toHaveLength(2);

  // By now the cancelled delivery's 30 s retry would have been due too.
  expect(cancelledReceiver.requests).toHaveLength(1);
  const stillCancelled = await callApi(
    second,
    'GET',
    `/api/v1/deliveries/${toCancel.body.data[0].id}`,
  );
  expect(stillCancelled.body.status).toBe('cancelled');
  expect(stillCancelled.body.attempt_count).toBe(1);

  expect(await second.stop('SIGINT')).toBe(0);
  expect(second.output()).not.toContain('shutdown step failed');
});
