import { createHmac } from 'node:crypto';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { DELIVERY_WORKFLOW, fanOutWorkflowId } from '@lasso/contracts';

import {
  createCatalogWebhook,
  getDeliveryWithAttempts,
  listDeliveries,
  publishEvent,
} from '../support/catalog.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
/** An endpoint that is down: it responds 503 to every request. */
let brokenReceiver: RecordingReceiver;
let workingReceiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  brokenReceiver = await startRecordingReceiver(() => ({ status: 503, body: 'maintenance' }));
  workingReceiver = await startRecordingReceiver();
});

afterAll(async () => {
  await brokenReceiver?.close();
  await workingReceiver?.close();
  await stack?.close();
});

const PRODUCT_DATA = { product_id: 'prod_3', product: { sku: 'LAMP-3', name: 'Desk lamp' } };

/**
 * Publishes product.created to a new subscription in a workspace of its own and waits until the
 * first attempt has failed.
 */
async function deliveryWaitingForRetry(path: string, fields: Record<string, unknown> = {}) {
  const key = await stack.createApiKey(`catalog-retry${path.replaceAll('/', '-')}`);
  const webhook = await createCatalogWebhook(
    stack,
    { url: `${brokenReceiver.url}${path}`, events: ['product.created'], ...fields },
    key,
  );
  const event = await publishEvent(stack, { event: 'product.created', data: PRODUCT_DATA }, key);
  const delivery = await waitFor('the first attempt to fail', async () => {
    const [current] = await listDeliveries(stack, `webhook_id=${webhook.id}`, key);
    return current?.attempt_count === 1 && current.next_attempt_at !== null ? current : undefined;
  });
  return { key, webhook, event, delivery };
}

/** Waits until a delivery has the given status and returns it with its attempts. */
async function waitForStatus(delivery: { id: string }, status: string, key: string): Promise<any> {
  return waitFor(`delivery ${delivery.id} to be ${status}`, async () => {
    const current = await getDeliveryWithAttempts(stack, delivery.id, key);
    return current.status === status ? current : undefined;
  });
}

it('retry uses the updated URL and secret', { timeout: 90_000 }, async () => {
  const { key, webhook, delivery } = await deliveryWaitingForRetry('/moved', {
    secret: 'whsec_old_1f0c',
  });
  expect(brokenReceiver.requests.filter((request) => request.path === '/moved')).toHaveLength(1);

  const updated = await stack.request('PATCH', `/api/v1/catalog/webhooks/${webhook.id}`, {
    body: {
      url: `${workingReceiver.url}/moved-here`,
      secret: 'whsec_new_8d2b',
      auth_header_name: 'X-Api-Key',
      auth_header_value: 'k-2',
    },
    apiKey: key,
  });
  expect(updated.status).toBe(200);

  // The real 30 s timer of the first retry, not a replay signal.
  const [retry] = await workingReceiver.waitForRequests(1, 60_000);
  expect(retry!.path).toBe('/moved-here');
  expect(retry!.headers['x-lasso-attempt']).toBe('2');
  expect(retry!.headers['x-api-key']).toBe('k-2');
  const signature =
    'sha256=' + createHmac('sha256', 'whsec_new_8d2b').update(retry!.body).digest('hex');
  expect(retry!.headers['x-lasso-signature']).toBe(signature);

  const finished = await waitForStatus(delivery, 'succeeded', key);
  expect(
    finished.attempts.map((attempt: any) => [attempt.number, attempt.url, attempt.outcome]),
  ).toEqual([
    [1, `${brokenReceiver.url}/moved`, 'http_error'],
    [2, `${workingReceiver.url}/moved-here`, 'succeeded'],
  ]);
  expect(
    Date.parse(finished.attempts[1].started_at) - Date.parse(finished.attempts[0].started_at),
  ).toBeGreaterThanOrEqual(30_000);
  expect(brokenReceiver.requests.filter((request) => request.path === '/moved')).toHaveLength(1);
});

it('delete cancels pending deliveries', async () => {
  const { key, webhook, delivery } = await deliveryWaitingForRetry('/deleted');

  const deleted = await stack.request('DELETE', `/api/v1/catalog/webhooks/${webhook.id}`, {
    apiKey: key,
  });
  expect(deleted.status).toBe(200);
  expect(deleted.body.cancelled_deliveries).toBe(1);

  const cancelled = await waitForStatus(delivery, 'cancelled', key);
  expect(cancelled.attempt_count).toBe(1);
  expect(cancelled.next_attempt_at).toBeNull();
  expect(cancelled.webhook_id).toBe(webhook.id);
  const result = await stack.temporal.workflow.getHandle(delivery.workflow_id).result();
  expect(result).toMatchObject({ status: 'cancelled', attemptsMade: 1 });
  expect(brokenReceiver.requests.filter((request) => request.path === '/deleted')).toHaveLength(1);
});

it('blocks an attempt to a deleted subscription', async () => {
  const { key, webhook, delivery } = await deliveryWaitingForRetry('/deleted-unsignalled', {
    secret: 'whsec_gone_5a',
  });

  // A delete whose cancel signal never arrived, as when Temporal was unreachable at the time.
  await stack.db.query(
    'UPDATE catalog_webhooks SET deleted_at = now(), secret = NULL WHERE id = $1',
    [webhook.id],
  );
  await stack.temporal.workflow
    .getHandle(delivery.workflow_id)
    .signal(DELIVERY_WORKFLOW.replaySignal);

  const cancelled = await waitForStatus(delivery, 'cancelled', key);
  expect(
    cancelled.attempts.map((attempt: any) => [
      attempt.number,
      attempt.outcome,
      attempt.status_code,
    ]),
  ).toEqual([
    [1, 'http_error', 503],
    [2, 'blocked', null],
  ]);
  expect(cancelled.attempts[1].error).toMatch(/deleted/);
  const result = await stack.temporal.workflow.getHandle(delivery.workflow_id).result();
  expect(result).toMatchObject({ status: 'cancelled', attemptsMade: 2 });
  expect(
    brokenReceiver.requests.filter((request) => request.path === '/deleted-unsignalled'),
  ).toHaveLength(1);
});

it('disabling keeps pending deliveries going', async () => {
  const { key, webhook, delivery } = await deliveryWaitingForRetry('/disabled');
  await stack.request('PATCH', `/api/v1/catalog/webhooks/${webhook.id}`, {
    body: { enabled: false, url: `${workingReceiver.url}/disabled-fixed` },
    apiKey: key,
  });
  await stack.temporal.workflow
    .getHandle(delivery.workflow_id)
    .signal(DELIVERY_WORKFLOW.replaySignal);

  const finished = await waitForStatus(delivery, 'succeeded', key);
  expect(finished.attempts.at(-1).url).toBe(`${workingReceiver.url}/disabled-fixed`);

  // A new event is not delivered to the disabled subscription.
  const next = await publishEvent(stack, { event: 'product.created', data: PRODUCT_DATA }, key);
  expect(await stack.temporal.workflow.getHandle(fanOutWorkflowId(next.id)).result()).toMatchObject(
    { subscriptions: 0 },
  );
  expect(await listDeliveries(stack, `event_id=${next.id}`, key)).toEqual([]);
});
