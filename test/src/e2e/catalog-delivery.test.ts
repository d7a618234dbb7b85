import { createHmac } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  FAN_OUT_WORKFLOW,
  fanOutWorkflowId,
  type FanOutTotals,
  type FanOutWorkflowInput,
} from '@lasso/contracts';

import {
  createCatalogWebhook,
  listDeliveries,
  publishEvent,
  waitForFinishedDeliveries,
} from '../support/catalog.js';
import {
  startRecordingReceiver,
  type ReceivedRequest,
  type RecordingReceiver,
} from '../support/recording-receiver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

function requestsTo(path: string): ReceivedRequest[] {
  return receiver.requests.filter((request) => request.path === path);
}

/** Waits for the fan-out of an event to finish and returns its totals. */
async function fanOutTotals(eventId: string): Promise<FanOutTotals> {
  return stack.temporal.workflow.getHandle(fanOutWorkflowId(eventId)).result();
}

async function countRows(sql: string, params: unknown[] = []): Promise<number> {
  const rows = await stack.db.query<{ count: string | number }>(sql, params);
  return Number(rows[0]?.count);
}

/** Lists the fan-outs of a workspace started since `since`, once none of them is running. */
async function fanOutsOfWorkspace(
  workspace: string,
  since: Date,
): Promise<Array<{ workflowId: string; status: string }>> {
  const summary = `product.created to the subscriptions of workspace ${workspace}`;
  const query = `WorkflowType = '${FAN_OUT_WORKFLOW.type}' AND StartTime >= '${since.toISOString()}'`;
  let found: Array<{ workflowId: string; status: string }> = [];
  try {
    return await waitFor(
      `the fan-outs of workspace ${workspace} to close`,
      async () => {
        found = [];
        for await (const execution of stack.temporal.workflow.list({ query })) {
          const handle = stack.temporal.workflow.getHandle(execution.workflowId);
          const description = await handle.describe();
          if ((await description.staticSummary()) === summary) {
            found.push({ workflowId: execution.workflowId, status: description.status.name });
          }
        }
        return found.length > 0 && found.every((entry) => entry.status !== 'RUNNING')
          ? found
          : undefined;
      },
      { intervalMs: 500 },
    );
  } catch (error) {
    throw new Error(`${String(error)}; found ${JSON.stringify(found)}`, { cause: error });
  }
}

const PRODUCT = {
  sku: 'CHAIR-7',
  name: 'Oak chair',
  price: { amount: 14900, currency: 'EUR' },
  tags: ['oak', 'chair'],
};

describe('catalog event delivery', () => {
  it('delivers only to matching subscriptions, each signed', async () => {
    const workspaceKey = await stack.createApiKey('catalog-fan-out');
    const otherKey = await stack.createApiKey('catalog-fan-out-other');
    const first = await createCatalogWebhook(
      stack,
      {
        url: `${receiver.url}/fan-out/first`,
        events: ['product.updated'],
        secret: 'whsec_first_31a8',
        auth_header_name: 'X-First-Token',
        auth_header_value: 'first-token-value',
      },
      workspaceKey,
    );
    const second = await createCatalogWebhook(
      stack,
      {
        url: `${receiver.url}/fan-out/second`,
        events: ['product.created', 'product.updated'],
        secret: 'whsec_second_77c0',
        auth_header_name: 'Authorization',
        auth_header_value: 'Bearer second-token-value',
      },
      workspaceKey,
    );
    await createCatalogWebhook(
      stack,
      {
        url: `${receiver.url}/fan-out/attributes`,
        events: ['attribute.created', 'attribute.updated', 'attribute.deleted'],
        secret: 'whsec_attributes_0b6f',
      },
      workspaceKey,
    );
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/fan-out/other-workspace`, events: ['product.updated'] },
      otherKey,
    );

    const data = {
      product_id: 'prod_42',
      product: PRODUCT,
      previous_attributes: { price: { amount: 12900, currency: 'EUR' } },
    };
    const event = await publishEvent(stack, { event: 'product.updated', data }, workspaceKey);
    expect(event).toMatchObject({
      event: 'product.updated',
      idempotency_key: null,
      duplicate: false,
    });
    expect(event.id).toMatch(/^evt_[0-9a-z]{26}$/);

    expect(await fanOutTotals(event.id)).toEqual({
      subscriptions: 2,
      deliveriesStarted: 2,
      runs: 1,
    });
    const deliveries = await waitForFinishedDeliveries(stack, {
      eventId: event.id,
      count: 2,
      apiKey: workspaceKey,
    });

    const expectedBody =
      `{"event":"product.updated","timestamp":"${event.created_at}","data":{"product_id":"prod_42",` +
      `"product":{"sku":"CHAIR-7","name":"Oak chair","price":{"amount":14900,"currency":"EUR"},"tags":["oak","chair"]},` +
      `"previous_attributes":{"price":{"amount":12900,"currency":"EUR"}}}}`;
    const subscribers = [
      {
        webhook: first,
        path: '/fan-out/first',
        secret: 'whsec_first_31a8',
        header: ['x-first-token', 'first-token-value'],
      },
      {
        webhook: second,
        path: '/fan-out/second',
        secret: 'whsec_second_77c0',
        header: ['authorization', 'Bearer second-token-value'],
      },
    ];
    for (const subscriber of subscribers) {
      const received = requestsTo(subscriber.path);
      expect(received, subscriber.path).toHaveLength(1);
      const request = received[0]!;

      expect(request.body.toString('utf8')).toBe(expectedBody);
      // The plain formula a receiver uses, computed here without any project code.
      const signature =
        'sha256=' + createHmac('sha256', subscriber.secret).update(request.body).digest('hex');
      expect(request.headers['x-lasso-signature']).toBe(signature);
      expect(request.headers[subscriber.header[0]!]).toBe(subscriber.header[1]);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-lasso-event']).toBe('product.updated');
      expect(request.headers['x-lasso-event-id']).toBe(event.id);
      expect(request.headers['x-lasso-attempt']).toBe('1');
      expect(request.headers['x-lasso-delivery-id']).toMatch(/^att_/);

      const delivery = deliveries.find(
        (candidate) => candidate.webhook_id === subscriber.webhook.id,
      );
      expect(delivery).toMatchObject({
        event: 'product.updated',
        event_id: event.id,
        table_id: null,
        url: `${receiver.url}${subscriber.path}`,
        status: 'succeeded',
        attempt_count: 1,
      });
      expect(delivery.workflow_id).toBe(`delivery-${delivery.id}`);
    }
    expect(requestsTo('/fan-out/attributes')).toHaveLength(0);
    expect(requestsTo('/fan-out/other-workspace')).toHaveLength(0);

    // The other workspace's key lists none of these deliveries.
    expect(await listDeliveries(stack, `event_id=${event.id}`, otherKey)).toEqual([]);
    const byWebhook = await listDeliveries(stack, `webhook_id=${first.id}`, workspaceKey);
    expect(byWebhook.map((delivery) => delivery.event_id)).toEqual([event.id]);
  });

  it('sends attribute.updated with attribute_id and the full attribute', async () => {
    const key = await stack.createApiKey('catalog-attributes');
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/attributes/updated`, events: ['attribute.updated'] },
      key,
    );
    const attribute = {
      code: 'color',
      label: 'Colour',
      type: 'select',
      options: ['red', 'green'],
      required: false,
    };

    const event = await publishEvent(
      stack,
      {
        event: 'attribute.updated',
        data: { attribute_id: 'attr_color', attribute, previous_attributes: { label: 'Color' } },
      },
      key,
    );
    await waitForFinishedDeliveries(stack, { eventId: event.id, count: 1, apiKey: key });

    const [request] = requestsTo('/attributes/updated');
    const payload = JSON.parse(request!.body.toString('utf8'));
    expect(payload).toEqual({
      event: 'attribute.updated',
      timestamp: event.created_at,
      data: { attribute_id: 'attr_color', attribute, previous_attributes: { label: 'Color' } },
    });
    expect(request!.headers['x-lasso-event']).toBe('attribute.updated');
    expect(request!.headers['x-lasso-signature']).toBeUndefined();
  });

  it('skips disabled and deleted subscriptions', async () => {
    const key = await stack.createApiKey('catalog-skips');
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/skips/enabled`, events: ['product.created'] },
      key,
    );
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/skips/disabled`, events: ['product.created'], enabled: false },
      key,
    );
    const paused = await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/skips/paused`, events: ['product.created'] },
      key,
    );
    const deleted = await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/skips/deleted`, events: ['product.created'] },
      key,
    );
    await stack.request('PATCH', `/api/v1/catalog/webhooks/${paused.id}`, {
      body: { enabled: false },
      apiKey: key,
    });
    await stack.request('DELETE', `/api/v1/catalog/webhooks/${deleted.id}`, { apiKey: key });

    const event = await publishEvent(
      stack,
      { event: 'product.created', data: { product_id: 'prod_1', product: PRODUCT } },
      key,
    );

    expect(await fanOutTotals(event.id)).toEqual({
      subscriptions: 1,
      deliveriesStarted: 1,
      runs: 1,
    });
    await waitForFinishedDeliveries(stack, { eventId: event.id, count: 1, apiKey: key });
    expect(requestsTo('/skips/enabled')).toHaveLength(1);
    expect(requestsTo('/skips/disabled')).toHaveLength(0);
    expect(requestsTo('/skips/paused')).toHaveLength(0);
    expect(requestsTo('/skips/deleted')).toHaveLength(0);
  });

  it('repeated fan-out continues as new, starts nothing', async () => {
    const key = await stack.createApiKey('catalog-pages');
    const count = 25;
    for (let index = 0; index < count; index++) {
      await createCatalogWebhook(
        stack,
        { url: `${receiver.url}/pages/${index}`, events: ['product.deleted'] },
        key,
      );
    }
    const event = await publishEvent(
      stack,
      { event: 'product.deleted', data: { product_id: 'prod_9', product: PRODUCT } },
      key,
    );
    expect(await fanOutTotals(event.id)).toEqual({
      subscriptions: count,
      deliveriesStarted: count,
      runs: 1,
    });

    // A second fan-out of the same event in pages of 4, 2 pages per run, as a retry after a crash would be.
    const again = await stack.temporal.workflow.start(FAN_OUT_WORKFLOW.type, {
      workflowId: `${fanOutWorkflowId(event.id)}-again`,
      taskQueue: stack.taskQueue,
      args: [{ eventId: event.id, pageSize: 4, pagesPerRun: 2 } satisfies FanOutWorkflowInput],
    });
    expect(await again.result()).toEqual({ subscriptions: count, deliveriesStarted: 0, runs: 4 });

    const firstRunHistory = await stack.temporal.workflow
      .getHandle(again.workflowId, again.firstExecutionRunId)
      .fetchHistory();
    const continued = firstRunHistory.events?.filter(
      (historyEvent) => historyEvent.workflowExecutionContinuedAsNewEventAttributes,
    );
    expect(continued).toHaveLength(1);

    await waitForFinishedDeliveries(stack, { eventId: event.id, count, apiKey: key });
    for (let index = 0; index < count; index++) {
      expect(requestsTo(`/pages/${index}`), `/pages/${index}`).toHaveLength(1);
    }
  });
});

describe('idempotent publishing', () => {
  it('same key returns the same event', async () => {
    const key = await stack.createApiKey('catalog-idempotency');
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/idempotent/a`, events: ['product.created'] },
      key,
    );
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/idempotent/b`, events: ['product.created'] },
      key,
    );
    const body = {
      event: 'product.created',
      data: { product_id: 'prod_7', product: PRODUCT },
      idempotency_key: 'import-2025-03-12-7',
    };

    const first = await publishEvent(stack, body, key);
    // The same fields in another order are the same event.
    const second = await publishEvent(
      stack,
      {
        idempotency_key: body.idempotency_key,
        data: { product: { ...PRODUCT }, product_id: 'prod_7' },
        event: 'product.created',
      },
      key,
    );
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });

    expect(await fanOutTotals(first.id)).toEqual({
      subscriptions: 2,
      deliveriesStarted: 2,
      runs: 1,
    });
    await waitForFinishedDeliveries(stack, { eventId: first.id, count: 2, apiKey: key });
    expect(
      await countRows('SELECT count(*) FROM events WHERE idempotency_key = $1', [
        body.idempotency_key,
      ]),
    ).toBe(1);
    expect(requestsTo('/idempotent/a')).toHaveLength(1);
    expect(requestsTo('/idempotent/b')).toHaveLength(1);

    // Another workspace has keys of its own.
    const otherKey = await stack.createApiKey('catalog-idempotency-other');
    const elsewhere = await publishEvent(stack, body, otherKey);
    expect(elsewhere.id).not.toBe(first.id);
    expect(elsewhere.duplicate).toBe(false);
  });

  it('concurrent publishes with one key store one event', async () => {
    // Whether a publish loses the race depends on timing, so rounds repeat until one has lost.
    const losers: Array<{ workflowId: string; status: string }> = [];
    for (let round = 1; round <= 5 && losers.length === 0; round++) {
      const workspace = `catalog-idempotency-race-${round}`;
      const key = await stack.createApiKey(workspace);
      await createCatalogWebhook(
        stack,
        { url: `${receiver.url}/idempotent-race/${round}`, events: ['product.created'] },
        key,
      );
      const body = {
        event: 'product.created',
        data: { product_id: 'prod_9', product: PRODUCT },
        idempotency_key: 'race-1',
      };
      const startedAt = new Date();

      const results = await Promise.all(
        Array.from({ length: 6 }, () => publishEvent(stack, body, key)),
      );
      const [winner, ...others] = [...results].sort(
        (a, b) => Number(a.duplicate) - Number(b.duplicate),
      );
      expect(winner?.duplicate).toBe(false);
      expect(others.every((result) => result.duplicate && result.id === winner?.id)).toBe(true);
      await waitForFinishedDeliveries(stack, { eventId: winner!.id, count: 1, apiKey: key });
      expect(requestsTo(`/idempotent-race/${round}`)).toHaveLength(1);

      // Each publish that lost the race started a fan-out before storing; it must be terminated
      // rather than left retrying for an event that never comes.
      const winnerWorkflowId = fanOutWorkflowId(winner!.id);
      const fanOuts = await fanOutsOfWorkspace(workspace, startedAt);
      expect(fanOuts).toContainEqual({ workflowId: winnerWorkflowId, status: 'COMPLETED' });
      losers.push(...fanOuts.filter((entry) => entry.workflowId !== winnerWorkflowId));
    }

    expect(losers.length).toBeGreaterThan(0);
    expect(losers.every((entry) => entry.status === 'TERMINATED')).toBe(true);
  });

  it('reused key with other data conflicts', async () => {
    const key = await stack.createApiKey('catalog-idempotency-conflict');
    const body = {
      event: 'product.created',
      data: { product_id: 'prod_8', product: PRODUCT },
      idempotency_key: 'conflict-1',
    };
    const first = await publishEvent(stack, body, key);

    const changed = await stack.request('POST', '/api/v1/events', {
      body: { ...body, data: { product_id: 'prod_8', product: { ...PRODUCT, price: 1 } } },
      apiKey: key,
    });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('conflict');
    expect(changed.body.message).toMatch(/^idempotency_key:/);
    expect(changed.body.message).toContain(first.id);
  });

  it('key expires after 24 hours', async () => {
    const key = await stack.createApiKey('catalog-idempotency-expiry');
    const body = {
      event: 'product.created',
      data: { product_id: 'prod_5', product: PRODUCT },
      idempotency_key: 'daily-sync',
    };
    const first = await publishEvent(stack, body, key);

    // Just inside the window the key still holds.
    await stack.db.query(
      `UPDATE event_idempotency_keys SET created_at = now() - interval '23 hours 59 minutes' WHERE event_id = $1`,
      [first.id],
    );
    expect((await publishEvent(stack, body, key)).id).toBe(first.id);

    await stack.db.query(
      `UPDATE event_idempotency_keys SET created_at = now() - interval '24 hours 1 minute' WHERE event_id = $1`,
      [first.id],
    );
    const later = await publishEvent(stack, body, key);
    expect(later.id).not.toBe(first.id);
    expect(later.duplicate).toBe(false);
    expect((await publishEvent(stack, body, key)).id).toBe(later.id);
  });
});

describe('publish input validation', () => {
  const product = { product_id: 'prod_1', product: PRODUCT };
  const cases: Array<{
    name: string;
    body: Record<string, unknown>;
    field: string;
    message?: RegExp;
  }> = [
    {
      name: 'unknown event name',
      body: { event: 'product.renamed', data: product },
      field: 'event',
      message: /must be one of/,
    },
    {
      name: 'table event',
      body: { event: 'table.completed', data: product },
      field: 'event',
      message: /must be one of/,
    },
    { name: 'missing event', body: { data: product }, field: 'event', message: /is required/ },
    {
      name: 'missing data',
      body: { event: 'product.created' },
      field: 'data',
      message: /is required/,
    },
    {
      name: 'data without product_id',
      body: { event: 'product.updated', data: { product: PRODUCT } },
      field: 'data.product_id',
      message: /is required/,
    },
    {
      name: 'product as an array',
      body: { event: 'product.created', data: { product_id: 'p', product: [] } },
      field: 'data.product',
    },
    {
      name: 'product data on an attribute event',
      body: { event: 'attribute.created', data: product },
      field: 'data.attribute_id',
    },
    {
      name: 'previous_attributes on a created event',
      body: { event: 'product.created', data: { ...product, previous_attributes: { price: 1 } } },
      field: 'data.previous_attributes',
      message: /not a known field/,
    },
    {
      name: 'empty idempotency_key',
      body: { event: 'product.created', data: product, idempotency_key: '' },
      field: 'idempotency_key',
    },
    {
      name: 'unknown field',
      body: { event: 'product.created', data: product, timestamp: 'now' },
      field: 'timestamp',
    },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name} with 400 naming the field`, async () => {
      const key = await stack.createApiKey(`catalog-publish-invalid-${cases.indexOf(testCase)}`);
      await createCatalogWebhook(
        stack,
        {
          url: `${receiver.url}/invalid/${cases.indexOf(testCase)}`,
          events: ['product.created', 'product.updated', 'attribute.created'],
        },
        key,
      );
      const eventsBefore = await countRows('SELECT count(*) FROM events');

      const response = await stack.request('POST', '/api/v1/events', {
        body: testCase.body,
        apiKey: key,
      });

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_request');
      expect(response.body.message).toContain(`${testCase.field}:`);
      const issue = response.body.issues.find(
        (candidate: any) => candidate.field === testCase.field,
      );
      expect(issue).toBeDefined();
      if (testCase.message) {
        expect(issue.message).toMatch(testCase.message);
      }
      expect(await countRows('SELECT count(*) FROM events')).toBe(eventsBefore);
      expect(await listDeliveries(stack, '', key)).toEqual([]);
      expect(requestsTo(`/invalid/${cases.indexOf(testCase)}`)).toHaveLength(0);
    });
  }

  it('needs an API key', async () => {
    const response = await stack.request('POST', '/api/v1/events', {
      body: { event: 'product.created', data: product },
      apiKey: null,
    });
    expect(response.status).toBe(401);
  });

  it('sends nothing without a matching subscription', async () => {
    const key = await stack.createApiKey('catalog-no-match');
    await createCatalogWebhook(
      stack,
      { url: `${receiver.url}/no-match`, events: ['attribute.deleted'] },
      key,
    );
    const event = await publishEvent(stack, { event: 'product.created', data: product }, key);

    expect(await fanOutTotals(event.id)).toEqual({
      subscriptions: 0,
      deliveriesStarted: 0,
      runs: 1,
    });
    await waitFor('the fan-out to settle', () =>
      requestsTo('/no-match').length === 0 ? true : undefined,
    );
    expect(await listDeliveries(stack, `event_id=${event.id}`, key)).toEqual([]);
  });
});
