import { afterAll, beforeAll, expect, it } from 'vitest';

import { DELIVERY_WORKFLOW } from '@lasso/contracts';

import { timerDurationsSeconds } from '../support/history.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery, onlyDeliveryOf } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver(() => ({ status: 500, body: 'database is down' }));
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

it('retries after 30 s, 5 min and 30 min timers, then abandons', async () => {
  const table = await createTable(stack, {
    webhook_url: `${receiver.url}/always-500`,
    webhook_secret: 'retry-secret',
  });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 3 } });
  await receiver.waitForRequests(1);
  const delivery = await onlyDeliveryOf(stack, table.id);
  const handle = stack.temporal.workflow.getHandle(delivery.workflow_id);

  // Walk the schedule: read each timer from the history, then make the next attempt now.
  const expectedTimers = [30, 300, 1800];
  for (const [index, seconds] of expectedTimers.entries()) {
    const timers = await waitFor(`timer ${index + 1}`, async () => {
      const durations = await timerDurationsSeconds(stack.temporal, delivery.workflow_id);
      return durations.length === index + 1 ? durations : undefined;
    });
    expect(timers[index]).toBe(seconds);

    const waiting = await getDelivery(stack, delivery.id);
    expect(waiting.status).toBe('pending');
    expect(waiting.attempt_count).toBe(index + 1);
    const nextAttemptIn =
      Date.parse(waiting.next_attempt_at) - Date.parse(waiting.attempts[index].started_at);
    expect(nextAttemptIn).toBeGreaterThanOrEqual(seconds * 1000);
    expect(nextAttemptIn).toBeLessThan(seconds * 1000 + 2000);

    await handle.signal(DELIVERY_WORKFLOW.replaySignal);
    await receiver.waitForRequests(index + 2);
  }

  const abandoned = await waitFor('the delivery to be abandoned', async () => {
    const current = await getDelivery(stack, delivery.id);
    return current.status === 'abandoned' ? current : undefined;
  });
  expect(abandoned.attempt_count).toBe(4);
  expect(abandoned.next_attempt_at).toBeNull();
  expect(abandoned.finished_at).not.toBeNull();
  expect(abandoned.attempts.map((attempt: any) => attempt.number)).toEqual([1, 2, 3, 4]);
  expect(
    abandoned.attempts.every(
      (attempt: any) => attempt.outcome === 'http_error' && attempt.status_code === 500,
    ),
  ).toBe(true);
  expect(abandoned.attempts[0].response_body).toBe('database is down');
  expect(await timerDurationsSeconds(stack.temporal, delivery.workflow_id)).toEqual([
    30, 300, 1800,
  ]);

  // Every attempt sends the same bytes and event id, with its own attempt number and delivery id.
  const requests = receiver.requests;
  expect(requests).toHaveLength(4);
  expect(new Set(requests.map((request) => request.body.toString('utf8'))).size).toBe(1);
  expect(new Set(requests.map((request) => request.headers['x-lasso-event-id'])).size).toBe(1);
  expect(requests.map((request) => request.headers['x-lasso-attempt'])).toEqual([
    '1',
    '2',
    '3',
    '4',
  ]);
  expect(requests.map((request) => request.headers['x-lasso-delivery-id'])).toEqual(
    abandoned.attempts.map((attempt: any) => attempt.delivery_attempt_id),
  );
  expect(new Set(requests.map((request) => request.headers['x-lasso-delivery-id'])).size).toBe(4);

  const result = await handle.result();
  expect(result).toMatchObject({ status: 'abandoned', attemptsMade: 4 });
});
