import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';

import { fanOutWorkflowId, type FanOutTotals } from '@lasso/contracts';

import {
  callEmbeddedApi,
  startEmbeddedProcess,
  type EmbeddedProcess,
} from '../support/embedded-process.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { waitFor } from '../support/waits.js';

const SUBSCRIBERS = 300;
// The receiver responds after this delay, so the kill also cuts off attempts whose POST was already sent.
const ANSWER_DELAY_MS = 1_000;

// A key of the LASSO_BOOTSTRAP_API_KEY form: `lasso_` and 20 to 200 of [A-Za-z0-9_-].
const API_KEY = `lasso_fanout_${randomBytes(16).toString('hex')}`;

let dataDir: string;
let receiver: RecordingReceiver;
let connection: Connection;
let temporal: Client;
const processes: EmbeddedProcess[] = [];

/** Sends a JSON request with the test's API key and returns the status and the parsed body. */
function callApi(running: EmbeddedProcess, method: string, urlPath: string, body?: unknown) {
  return callEmbeddedApi(running, API_KEY, method, urlPath, body);
}

/** Reads every delivery of an event, following the list's cursor. */
async function allDeliveriesOf(running: EmbeddedProcess, eventId: string): Promise<any[]> {
  const deliveries: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await callApi(
      running,
      'GET',
      `/api/v1/deliveries?event_id=${eventId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(page.status).toBe(200);
    deliveries.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor !== null);
  return deliveries;
}

/** Reports whether the fan-out of an event has closed, over all its runs. */
async function fanOutFinished(eventId: string): Promise<boolean> {
  const description = await temporal.workflow.getHandle(fanOutWorkflowId(eventId)).describe();
  return description.status.name !== 'RUNNING';
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lasso-fan-out-crash-'));
  receiver = await startRecordingReceiver(() => ({ status: 200, delayMs: ANSWER_DELAY_MS }));
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  const problems: unknown[] = [];
  for (const running of processes) {
    await running.stop().catch((error: unknown) => problems.push(error));
  }
  await receiver?.close();
  await connection?.close();
  if (dataDir !== undefined) {
    await rm(dataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    throw new AggregateError(problems, 'stopping the embedded processes failed');
  }
});

it('delivers once per subscriber across a worker SIGKILL', { timeout: 300_000 }, async () => {
  const options = {
    dataDir,
    apiKey: API_KEY,
    temporal: { address: inject('temporalAddress'), taskQueue: `fan-out-crash-${randomUUID()}` },
  };
  const first = await startEmbeddedProcess(options);
  processes.push(first);

  const webhookIds: string[] = [];
  for (let index = 0; index < SUBSCRIBERS; index += 20) {
    const batch = Array.from({ length: Math.min(20, SUBSCRIBERS - index) }, (_, offset) =>
      callApi(first, 'POST', '/api/v1/catalog/webhooks', {
        url: `${receiver.url}/subscriber/${index + offset}`,
        events: ['product.updated'],
      }),
    );
    for (const created of await Promise.all(batch)) {
      expect(created.status).toBe(201);
      webhookIds.push(created.body.id);
    }
  }

  const published = await callApi(first, 'POST', '/api/v1/events', {
    event: 'product.updated',
    data: { product_id: 'prod_crash', product: { sku: 'CRASH-1' } },
  });
  expect(published.status).toBe(202);
  const eventId: string = published.body.id;

  // The pages run one after another inside the fan-out's workflow task, and each page's deliveries
  // start as soon as the page has recorded them. The kill comes with the first request to a
  // subscriber: the first page has started its workflows, and the fan-out has more to do.
  await waitFor(
    'the first request to a subscriber',
    () => (receiver.requests.length >= 1 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 5 },
  );
  await first.stop('SIGKILL');
  const atKill = { requests: receiver.requests.length, finished: await fanOutFinished(eventId) };

  const second = await startEmbeddedProcess(options);
  processes.push(second);

  const totals: FanOutTotals = await temporal.workflow
    .getHandle(fanOutWorkflowId(eventId))
    .result();
  expect(totals.subscriptions).toBe(SUBSCRIBERS);

  // Attempts cut off by the kill run again once their workflow tasks time out.
  const deliveries = await waitFor(
    'every delivery to succeed',
    async () => {
      const current = await allDeliveriesOf(second, eventId);
      return current.length === SUBSCRIBERS &&
        current.every((delivery) => delivery.status === 'succeeded')
        ? current
        : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 1_000 },
  );

  // One delivery per subscription, none to anyone else.
  expect(new Set(deliveries.map((delivery) => delivery.webhook_id))).toEqual(new Set(webhookIds));

  // Each subscriber saw the event as one delivery: one event id and one attempt id, however often
  // an attempt cut off by the kill was sent again.
  const byPath = new Map<string, typeof receiver.requests>();
  for (const request of receiver.requests) {
    byPath.set(request.path, [...(byPath.get(request.path) ?? []), request]);
  }
  expect(byPath.size).toBe(SUBSCRIBERS);
  for (const [subscriberPath, requests] of byPath) {
    expect(
      new Set(requests.map((request) => request.headers['x-lasso-event-id'])),
      subscriberPath,
    ).toEqual(new Set([eventId]));
    expect(
      new Set(requests.map((request) => request.headers['x-lasso-delivery-id'])).size,
      subscriberPath,
    ).toBe(1);
    expect(
      new Set(requests.map((request) => request.body.toString('utf8'))).size,
      subscriberPath,
    ).toBe(1);
  }

  // Pages that the kill cut off were retried, and their starts of workflows that were already running do not count.
  console.info(
    `fan-out crash: killed after ${atKill.requests} requests, with ` +
      `the fan-out ${atKill.finished ? 'finished' : 'running'}; the fan-out reported ${totals.deliveriesStarted} of ` +
      `${SUBSCRIBERS} workflow starts; ${receiver.requests.length - SUBSCRIBERS} request(s) repeated an attempt`,
  );
  expect(atKill.finished).toBe(false);
});
