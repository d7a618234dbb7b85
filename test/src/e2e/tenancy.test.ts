import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { revokeApiKey, storeApiKey, generateApiKey } from '@lasso/server';

import { createCatalogWebhook, listDeliveries, publishEvent } from '../support/catalog.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let okReceiver: RecordingReceiver;
let failingReceiver: RecordingReceiver;
let otherReceiver: RecordingReceiver;

// What workspace A owns: a table with a finished delivery, a table with a pending one, a subscription.
let keyA: string;
let keyB: string;
let finishedTable: any;
let pendingTable: any;
let finishedDelivery: any;
let pendingDelivery: any;
let webhook: any;

beforeAll(async () => {
  stack = await startTestStack();
  okReceiver = await startRecordingReceiver();
  failingReceiver = await startRecordingReceiver(() => ({ status: 500 }));
  otherReceiver = await startRecordingReceiver();
  keyA = await stack.createApiKey('tenant-a');
  keyB = await stack.createApiKey('tenant-b');

  finishedTable = await createTable(stack, { webhook_url: `${okReceiver.url}/a` }, keyA);
  await stack.request('POST', `/api/v1/tables/${finishedTable.id}/complete`, {
    body: { total_rows: 1 },
    apiKey: keyA,
  });
  pendingTable = await createTable(stack, { webhook_url: `${failingReceiver.url}/a` }, keyA);
  await stack.request('POST', `/api/v1/tables/${pendingTable.id}/complete`, {
    body: { total_rows: 1 },
    apiKey: keyA,
  });

  finishedDelivery = await waitFor('the finished delivery', async () => {
    const [delivery] = await listDeliveries(stack, `table_id=${finishedTable.id}`, keyA);
    return delivery?.status === 'succeeded' ? delivery : undefined;
  });
  pendingDelivery = await waitFor('the failed first attempt', async () => {
    const [delivery] = await listDeliveries(stack, `table_id=${pendingTable.id}`, keyA);
    return delivery?.attempt_count === 1 ? delivery : undefined;
  });

  webhook = await createCatalogWebhook(
    stack,
    { url: `${okReceiver.url}/catalog-a`, events: ['product.created'] },
    keyA,
  );
});

afterAll(async () => {
  await Promise.all([okReceiver?.close(), failingReceiver?.close(), otherReceiver?.close()]);
  await stack?.close();
});

describe("another workspace's key", () => {
  const notFoundCalls: Array<{
    name: string;
    method: string;
    path: () => string;
    body?: () => unknown;
  }> = [
    { name: 'tables.get', method: 'GET', path: () => `/api/v1/tables/${finishedTable.id}` },
    {
      name: 'tables.complete',
      method: 'POST',
      path: () => `/api/v1/tables/${pendingTable.id}/complete`,
      body: () => ({ total_rows: 2 }),
    },
    {
      name: 'tables.fail',
      method: 'POST',
      path: () => `/api/v1/tables/${pendingTable.id}/fail`,
      body: () => ({ error: { code: 'x', message: 'y' } }),
    },
    {
      name: 'deliveries.get',
      method: 'GET',
      path: () => `/api/v1/deliveries/${finishedDelivery.id}`,
    },
    {
      name: 'deliveries.cancel',
      method: 'POST',
      path: () => `/api/v1/deliveries/${pendingDelivery.id}/cancel`,
    },
    {
      name: 'deliveries.replay of a pending delivery',
      method: 'POST',
      path: () => `/api/v1/deliveries/${pendingDelivery.id}/replay`,
    },
    {
      name: 'deliveries.replay of a finished delivery',
      method: 'POST',
      path: () => `/api/v1/deliveries/${finishedDelivery.id}/replay`,
    },
    {
      name: 'deliveries.recover',
      method: 'POST',
      path: () => '/api/v1/deliveries/recover',
      body: () => ({ table_id: pendingTable.id, since: '2000-01-01T00:00:00Z' }),
    },
    {
      name: 'catalogWebhooks.get',
      method: 'GET',
      path: () => `/api/v1/catalog/webhooks/${webhook.id}`,
    },
    {
      name: 'catalogWebhooks.update',
      method: 'PATCH',
      path: () => `/api/v1/catalog/webhooks/${webhook.id}`,
      body: () => ({ url: `${otherReceiver.url}/stolen`, enabled: false }),
    },
    {
      name: 'catalogWebhooks.delete',
      method: 'DELETE',
      path: () => `/api/v1/catalog/webhooks/${webhook.id}`,
    },
  ];

  for (const call of notFoundCalls) {
    it(`gets 404 from ${call.name}`, async () => {
      const response = await stack.request(call.method, call.path(), {
        apiKey: keyB,
        ...(call.body ? { body: call.body() } : {}),
      });

      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    });
  }

  it('gets 404 over tRPC too', async () => {
    const input = encodeURIComponent(JSON.stringify({ table_id: finishedTable.id }));
    const read = await fetch(`${stack.baseUrl}/trpc/tables.get?input=${input}`, {
      headers: { Authorization: `Bearer ${keyB}` },
    });
    expect(read.status).toBe(404);
    expect(((await read.json()) as any).error.data.code).toBe('not_found');

    const cancel = await fetch(`${stack.baseUrl}/trpc/deliveries.cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${keyB}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ delivery_id: pendingDelivery.id }),
    });
    expect(cancel.status).toBe(404);
  });

  it('sees none of it in lists, even when filtering by its ids', async () => {
    const tables = await stack.request('GET', '/api/v1/tables?limit=100', { apiKey: keyB });
    expect(tables.body.data).toEqual([]);

    const webhooks = await stack.request('GET', '/api/v1/catalog/webhooks', { apiKey: keyB });
    expect(webhooks.body.data).toEqual([]);

    for (const filter of [
      '',
      `table_id=${finishedTable.id}`,
      `table_id=${pendingTable.id}`,
      `event_id=${finishedDelivery.event_id}`,
      `webhook_id=${webhook.id}`,
      'status=pending',
    ]) {
      expect(await listDeliveries(stack, filter, keyB), filter).toEqual([]);
    }
  });

  it("leaves workspace A's records unchanged", async () => {
    const ownDeliveries = await listDeliveries(stack, '', keyA);
    expect(ownDeliveries.map((delivery) => delivery.id).sort()).toEqual(
      [finishedDelivery.id, pendingDelivery.id].sort(),
    );
    expect(ownDeliveries.find((delivery) => delivery.id === pendingDelivery.id)?.status).toBe(
      'pending',
    );

    const table = await stack.request('GET', `/api/v1/tables/${pendingTable.id}`, { apiKey: keyA });
    expect(table.body.status).toBe('completed');

    const own = await stack.request('GET', `/api/v1/catalog/webhooks/${webhook.id}`, {
      apiKey: keyA,
    });
    expect(own.body.url).toBe(`${okReceiver.url}/catalog-a`);
    expect(own.body.enabled).toBe(true);
  });

  it("never delivers its events to workspace A's subscriptions", async () => {
    await createCatalogWebhook(
      stack,
      { url: `${otherReceiver.url}/catalog-b`, events: ['product.created'] },
      keyB,
    );
    const before = okReceiver.requests.filter((request) => request.path === '/catalog-a').length;

    await publishEvent(
      stack,
      { event: 'product.created', data: { product_id: 'prd_b', product: {} } },
      keyB,
    );
    await otherReceiver.waitForRequests(1);
    // Fan-out runs before the delivery arrives, so a wrong delivery to A would show within this wait.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(okReceiver.requests.filter((request) => request.path === '/catalog-a')).toHaveLength(
      before,
    );
  });
});

describe('revoked key', () => {
  it('fails at once on the JSON routes and on tRPC', async () => {
    const key = generateApiKey();
    const record = await storeApiKey(stack.db, { key, workspace: 'tenant-a' });
    const headers = { Authorization: `Bearer ${key}` };
    expect((await fetch(`${stack.baseUrl}/api/v1/tables`, { headers })).status).toBe(200);

    expect(await revokeApiKey(stack.db, record.id)).toBe(true);

    const json = await fetch(`${stack.baseUrl}/api/v1/tables`, { headers });
    expect(json.status).toBe(401);
    expect(((await json.json()) as any).code).toBe('unauthorized');
    const trpc = await fetch(
      `${stack.baseUrl}/trpc/tables.list?input=${encodeURIComponent('{}')}`,
      { headers },
    );
    expect(trpc.status).toBe(401);
  });

  it('leaves the workspace other keys working', async () => {
    const spare = generateApiKey();
    const revoked = await storeApiKey(stack.db, { key: generateApiKey(), workspace: 'tenant-a' });
    await storeApiKey(stack.db, { key: spare, workspace: 'tenant-a' });

    await revokeApiKey(stack.db, revoked.id);

    const response = await stack.request('GET', `/api/v1/tables/${finishedTable.id}`, {
      apiKey: spare,
    });
    expect(response.status).toBe(200);
  });
});
