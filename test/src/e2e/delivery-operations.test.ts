import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DELIVERY_WORKFLOW } from '@lasso/contracts';

import { timerDurationsSeconds } from '../support/history.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let failing: RecordingReceiver;
let healthy: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  failing = await startRecordingReceiver(() => ({ status: 503 }));
  healthy = await startRecordingReceiver();
});

afterAll(async () => {
  await Promise.all([failing?.close(), healthy?.close()]);
  await stack?.close();
});

/** Completes a new table whose webhook goes to `path` on `receiver` and returns its delivery. */
async function deliverTo(receiver: RecordingReceiver, path: string): Promise<any> {
  const table = await createTable(stack, {
    webhook_url: `${receiver.url}${path}`,
    webhook_secret: 'ops-secret',
  });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 9 } });
  return waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });
}

/** Waits until a delivery has made `attempts` attempts and its workflow has started the next timer. */
async function waitForTimer(delivery: any, timers: number): Promise<void> {
  await waitFor(`timer ${timers} of ${delivery.id}`, async () => {
    const durations = await timerDurationsSeconds(stack.temporal, delivery.workflow_id);
    return durations.length >= timers ? durations : undefined;
  });
}

function requestsTo(receiver: RecordingReceiver, path: string) {
  return receiver.requests.filter((request) => request.path === path);
}

describe('replay of a pending delivery', () => {
  it('makes the waiting attempt now', async () => {
    const delivery = await deliverTo(failing, '/replay-pending');
    await waitForTimer(delivery, 1);
    const replayed = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/replay`);
    expect(replayed.status).toBe(200);
    await waitForTimer(delivery, 2);

    // Attempt 2 has failed and the 5-minute retry waits; replay must make attempt 3 within a second.
    const before = requestsTo(failing, '/replay-pending').length;
    expect(before).toBe(2);
    const startedAt = Date.now();
    const response = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/replay`);
    expect(response.status).toBe(200);
    const third = await waitFor('attempt 3', () => requestsTo(failing, '/replay-pending')[2]);
    expect(third.receivedAt - startedAt).toBeLessThan(1000);
    expect(third.headers['x-lasso-attempt']).toBe('3');
    expect(response.body.replay_of).toBeNull();
    expect(response.body.id).toBe(delivery.id);
  });
});

describe('cancel', () => {
  it('stops a pending delivery for good', async () => {
    const delivery = await deliverTo(failing, '/cancel');
    await waitForTimer(delivery, 1);

    const cancelled = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.next_attempt_at).toBeNull();

    const again = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');

    const result = await stack.temporal.workflow.getHandle(delivery.workflow_id).result();
    expect(result).toMatchObject({ status: 'cancelled', attemptsMade: 1 });
    const history = await stack.temporal.workflow.getHandle(delivery.workflow_id).fetchHistory();
    const canceledTimers = (history.events ?? []).filter(
      (event) => event.timerCanceledEventAttributes,
    );
    expect(canceledTimers).toHaveLength(1);
    expect(requestsTo(failing, '/cancel')).toHaveLength(1);
  });

  it('answers 409 for a succeeded delivery', async () => {
    const delivery = await deliverTo(healthy, '/cancel-done');
    await waitFor('success', async () =>
      (await getDelivery(stack, delivery.id)).status === 'succeeded' ? true : undefined,
    );
    const response = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('conflict');
  });

  it("answers 404 for another workspace's delivery", async () => {
    const delivery = await deliverTo(failing, '/cancel-foreign');
    const otherKey = await stack.createApiKey('cancel-other');
    const response = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`, {
      apiKey: otherKey,
    });
    expect(response.status).toBe(404);
    const replay = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/replay`, {
      apiKey: otherKey,
    });
    expect(replay.status).toBe(404);
    await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
  });
});

describe('replay of a finished delivery', () => {
  it('starts a new delivery linked by replay_of', async () => {
    const delivery = await deliverTo(healthy, '/replay-done');
    const original = await waitFor('success', async () => {
      const current = await getDelivery(stack, delivery.id);
      return current.status === 'succeeded' ? current : undefined;
    });

    const response = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/replay`);
    expect(response.status).toBe(200);
    expect(response.body.replay_of).toBe(delivery.id);
    expect(response.body.id).not.toBe(delivery.id);
    expect(response.body.event_id).toBe(delivery.event_id);

    const replay = await waitFor('the replay to succeed', async () => {
      const current = await getDelivery(stack, response.body.id);
      return current.status === 'succeeded' ? current : undefined;
    });
    expect(replay.attempts[0].delivery_attempt_id).not.toBe(
      original.attempts[0].delivery_attempt_id,
    );

    const [first, second] = requestsTo(healthy, '/replay-done');
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['x-lasso-signature']).toBe(first!.headers['x-lasso-signature']);
    expect(second!.headers['x-lasso-event-id']).toBe(first!.headers['x-lasso-event-id']);
  });
});

describe('inspection', () => {
  it('finds deliveries by table through search attributes', async () => {
    const delivery = await deliverTo(healthy, '/search');
    await waitFor('success', async () =>
      (await getDelivery(stack, delivery.id)).status === 'succeeded' ? true : undefined,
    );

    const found = await waitFor('the visibility record', async () => {
      const matches = [];
      for await (const workflow of stack.temporal.workflow.list({
        query: `LassoTableId = '${delivery.table_id}' AND LassoDeliveryStatus = 'succeeded'`,
      })) {
        matches.push(workflow);
      }
      return matches.length > 0 ? matches : undefined;
    });
    expect(found.map((workflow) => workflow.workflowId)).toEqual([delivery.workflow_id]);
  });

  it('answers a state query on a running delivery', async () => {
    const delivery = await deliverTo(failing, '/query');
    await waitForTimer(delivery, 1);
    const state = await stack.temporal.workflow
      .getHandle(delivery.workflow_id)
      .query(DELIVERY_WORKFLOW.stateQuery);
    expect(state).toMatchObject({ deliveryId: delivery.id, status: 'pending', attemptsMade: 1 });
    expect((state as any).nextAttemptAt).not.toBeNull();
    await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
  });
});
