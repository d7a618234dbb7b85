import { afterAll, beforeAll, expect, it } from 'vitest';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery, onlyDeliveryOf } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver((index) =>
    index === 0 ? { status: 500 } : { status: 204 },
  );
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

it('makes attempt 2 thirty seconds after attempt 1 failed', { timeout: 60_000 }, async () => {
  const table = await createTable(stack, { webhook_url: `${receiver.url}/flaky` });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });

  const [first, second] = await receiver.waitForRequests(2, 45_000);
  const waitedMs = second!.receivedAt - first!.answeredAt!;
  expect(waitedMs).toBeGreaterThanOrEqual(29_000);
  expect(waitedMs).toBeLessThanOrEqual(31_000);

  const delivery = await onlyDeliveryOf(stack, table.id);
  const succeeded = await waitFor('the delivery to succeed', async () => {
    const current = await getDelivery(stack, delivery.id);
    return current.status === 'succeeded' ? current : undefined;
  });
  expect(succeeded.attempts.map((attempt: any) => attempt.outcome)).toEqual([
    'http_error',
    'succeeded',
  ]);
  expect(succeeded.attempts[1].status_code).toBe(204);
});
