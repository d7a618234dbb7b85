import { afterAll, beforeAll, expect, it } from 'vitest';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

// This checks isolation, not speed: deliveries to a healthy endpoint must not queue behind attempts
// that wait out the 10 s timeout of an endpoint that never responds. Queueing would add about 9 s
// (the timeout less the time the hanging attempts were already open), so the bound allows the
// baseline twice over or 5 s more, whichever is larger, for noise on a loaded 2-core machine.
const HEALTHY_DELIVERIES = 50;
const HANGING_DELIVERIES = 20;
const WARM_UP_DELIVERIES = 5;
const ATTEMPT_TIMEOUT_MS = 10_000;

let stack: TestStack;
let healthy: RecordingReceiver;
let hanging: RecordingReceiver;

/** Creates `count` tables with a webhook to `url` and returns their ids. */
async function createTables(count: number, url: string): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const table = await createTable(stack, { webhook_url: `${url}/${index}` });
    ids.push(table.id);
  }
  return ids;
}

/** Completes every table at once, so each starts its delivery. */
async function completeAll(tableIds: string[]): Promise<void> {
  const responses = await Promise.all(
    tableIds.map((tableId) =>
      stack.request('POST', `/api/v1/tables/${tableId}/complete`, { body: { total_rows: 1 } }),
    ),
  );
  expect(responses.map((response) => response.status)).toEqual(tableIds.map(() => 200));
}

/**
 * Completes the tables and returns the ms from the first request to the arrival of the last of
 * their deliveries at the healthy receiver, which has already received `before` requests.
 */
async function timeHealthyDeliveries(tableIds: string[], before: number): Promise<number> {
  const startedAt = Date.now();
  await completeAll(tableIds);
  const received = await healthy.waitForRequests(before + tableIds.length, 60_000);
  return received.at(-1)!.receivedAt - startedAt;
}

beforeAll(async () => {
  stack = await startTestStack();
  healthy = await startRecordingReceiver();
  hanging = await startRecordingReceiver(() => ({ hang: true }));
});

afterAll(async () => {
  // The hanging receiver goes first, so the worker's shutdown need not wait for its attempts.
  await hanging?.close();
  await healthy?.close();
  await stack?.close();
});

it('delivers beside a hanging endpoint', { timeout: 180_000 }, async () => {
  // Tables are made up front, so the timed parts only complete them.
  const warmUpTables = await createTables(WARM_UP_DELIVERIES, `${healthy.url}/warm-up`);
  const baselineTables = await createTables(HEALTHY_DELIVERIES, `${healthy.url}/alone`);
  const hangingTables = await createTables(HANGING_DELIVERIES, `${hanging.url}/never`);
  const sideBySideTables = await createTables(HEALTHY_DELIVERIES, `${healthy.url}/beside-hanging`);

  // The first deliveries of a new worker are slow (workflow bundle, connection pools); keep them out of the baseline.
  await timeHealthyDeliveries(warmUpTables, 0);
  const baselineMs = await timeHealthyDeliveries(baselineTables, WARM_UP_DELIVERIES);

  await completeAll(hangingTables);
  const hangingRequests = await hanging.waitForRequests(HANGING_DELIVERIES, 30_000);
  const withHangingMs = await timeHealthyDeliveries(
    sideBySideTables,
    WARM_UP_DELIVERIES + HEALTHY_DELIVERIES,
  );
  const lastHealthyAt = healthy.requests.at(-1)!.receivedAt;

  console.info(
    `${HEALTHY_DELIVERIES} deliveries took ${baselineMs} ms alone and ${withHangingMs} ms ` +
      `beside ${HANGING_DELIVERIES} attempts to an endpoint that never responds`,
  );

  expect(withHangingMs).toBeLessThanOrEqual(Math.max(2 * baselineMs, baselineMs + 5_000));

  // Every hanging attempt was still open when the last healthy delivery arrived; otherwise the
  // run measured nothing about isolation.
  expect(
    lastHealthyAt,
    'the hanging attempts timed out before the healthy deliveries arrived',
  ).toBeLessThan(hangingRequests[0]!.receivedAt + ATTEMPT_TIMEOUT_MS);
  expect(hanging.requests.every((request) => request.answeredAt === null)).toBe(true);
});
