import { afterAll, beforeAll, expect, it } from 'vitest';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery, onlyDeliveryOf } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let hanging: RecordingReceiver;
let redirecting: RecordingReceiver;
let redirectTarget: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  hanging = await startRecordingReceiver(() => ({ hang: true }));
  redirectTarget = await startRecordingReceiver();
  redirecting = await startRecordingReceiver(() => ({
    status: 302,
    headers: { Location: `${redirectTarget.url}/moved` },
  }));
});

afterAll(async () => {
  await Promise.all([hanging?.close(), redirecting?.close(), redirectTarget?.close()]);
  await stack?.close();
});

async function firstAttemptOf(tableId: string): Promise<any> {
  const delivery = await waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${tableId}`);
    return response.body.data[0];
  });
  return waitFor(
    'the first attempt record',
    async () => {
      const current = await getDelivery(stack, delivery.id);
      return current.attempts[0];
    },
    { timeoutMs: 30_000 },
  );
}

it('ends an attempt that gets no answer as timeout at 10 s', { timeout: 60_000 }, async () => {
  const table = await createTable(stack, { webhook_url: `${hanging.url}/never` });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });

  const attempt = await firstAttemptOf(table.id);
  expect(attempt.outcome).toBe('timeout');
  expect(attempt.status_code).toBeNull();
  expect(attempt.duration_ms).toBeGreaterThanOrEqual(9_500);
  expect(attempt.duration_ms).toBeLessThanOrEqual(10_500);
  expect(hanging.requests).toHaveLength(1);

  const delivery = await onlyDeliveryOf(stack, table.id);
  expect(delivery.status).toBe('pending');
  expect(delivery.next_attempt_at).not.toBeNull();
});

it('counts a 302 as a failure and never follows it', async () => {
  const table = await createTable(stack, { webhook_url: `${redirecting.url}/old` });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });

  const attempt = await firstAttemptOf(table.id);
  expect(attempt.outcome).toBe('http_error');
  expect(attempt.status_code).toBe(302);
  // Give a follow-up request time to show up if one were sent.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(redirectTarget.requests).toHaveLength(0);
});

it('records a refused connection as network_error', async () => {
  const closed = await startRecordingReceiver();
  const url = `${closed.url}/gone`;
  await closed.close();

  const table = await createTable(stack, { webhook_url: url });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });

  const attempt = await firstAttemptOf(table.id);
  expect(attempt.outcome).toBe('network_error');
  expect(attempt.error).toMatch(/ECONNREFUSED/);
});
