import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createAppCaller,
  RateLimiter,
  SecretBox,
  silentLogger,
  type Database,
  type ServiceDeps,
} from '@lasso/server';

import {
  abandonTableDeliveries,
  abandonWebhookDeliveries,
} from '../support/abandoned-deliveries.js';
import { createCatalogWebhook, listDeliveries } from '../support/catalog.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable } from '../support/tables.js';
import { startTestStack, TEST_UI_URL, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
const receivers: RecordingReceiver[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.close();
});

/** A receiver that responds with 503 until `repair` is called, then with 200. */
async function startBrokenEndpoint(): Promise<{ receiver: RecordingReceiver; repair: () => void }> {
  let broken = true;
  const receiver = await startRecordingReceiver(() => (broken ? { status: 503 } : { status: 200 }));
  receivers.push(receiver);
  return {
    receiver,
    repair: () => {
      broken = false;
    },
  };
}

/** Wraps the stack's database so that no transaction starts until `count` of them are waiting. */
function holdTransactionsUntil(count: number): { db: Database } {
  let waiting = 0;
  let releaseAll!: () => void;
  const released = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });

  const db: Database = {
    kind: stack.db.kind,
    query: (sql, params) => stack.db.query(sql, params),
    execute: (sql) => stack.db.execute(sql),
    close: () => stack.db.close(),
    async transaction(work) {
      waiting++;
      if (waiting >= count) {
        releaseAll();
      }
      await released;
      return stack.db.transaction(work);
    },
  };
  return { db };
}

function recover(body: Record<string, unknown>, apiKey?: string) {
  return stack.request('POST', '/api/v1/deliveries/recover', {
    body,
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
}

/** Waits until every delivery of a list query has succeeded and returns them. */
async function waitForSucceeded(query: string, count: number): Promise<any[]> {
  return waitFor(`${count} succeeded deliveries of ${query}`, async () => {
    const deliveries = (await listDeliveries(stack, query)).filter(
      (delivery) => delivery.status === 'succeeded',
    );
    return deliveries.length === count ? deliveries : undefined;
  });
}

describe('deliveries.recover', () => {
  it('replays ten abandoned deliveries once each', async () => {
    const { receiver, repair } = await startBrokenEndpoint();
    const since = new Date(Date.now() - 1000).toISOString();
    const { webhook, events, deliveries } = await abandonWebhookDeliveries(stack, {
      url: `${receiver.url}/ten`,
      count: 10,
    });
    expect(
      deliveries.every(
        (delivery) => delivery.status === 'abandoned' && delivery.attempt_count === 4,
      ),
    ).toBe(true);
    expect(receiver.requests).toHaveLength(40);

    repair();
    const response = await recover({ webhook_id: webhook.id, since });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ started: 10, skipped: 0, remaining: 0 });

    const replayed = await receiver.waitForRequests(50);
    const newRequests = replayed.slice(40);
    expect(newRequests.map((request) => request.headers['x-lasso-attempt'])).toEqual(
      Array(10).fill('1'),
    );
    expect(new Set(newRequests.map((request) => request.headers['x-lasso-event-id']))).toEqual(
      new Set(events.map((event) => event.id)),
    );
    expect(new Set(newRequests.map((request) => request.headers['x-lasso-delivery-id'])).size).toBe(
      10,
    );

    const replays = (await waitForSucceeded(`webhook_id=${webhook.id}&status=succeeded`, 10)).sort(
      (a, b) => a.replay_of.localeCompare(b.replay_of),
    );
    expect(replays.map((replay) => replay.replay_of)).toEqual(
      deliveries.map((delivery) => delivery.id).sort(),
    );
    expect(replays.every((replay) => replay.attempt_count === 1)).toBe(true);

    const again = await recover({ webhook_id: webhook.id, since });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ started: 0, skipped: 10, remaining: 0 });
    // A replay would arrive within a second, as the first ten did.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(50);
  });

  it('recovers since a time in batches', async () => {
    const { receiver, repair } = await startBrokenEndpoint();
    // The first delivery gets three replays; each is abandoned and has no replay of its own.
    const { table, deliveries } = await abandonTableDeliveries(stack, {
      url: `${receiver.url}/since`,
      count: 4,
    });
    const [first, second, third, fourth] = deliveries;
    repair();

    const sinceThird = { table_id: table.id, since: third.created_at };
    const firstBatch = await recover({ ...sinceThird, limit: 1 });
    expect(firstBatch.body).toEqual({ started: 1, skipped: 0, remaining: 1 });
    const secondBatch = await recover({ ...sinceThird, limit: 1 });
    expect(secondBatch.body).toEqual({ started: 1, skipped: 1, remaining: 0 });

    const recentReplays = await waitForSucceeded(`table_id=${table.id}&status=succeeded`, 2);
    expect(recentReplays.map((replay) => replay.replay_of).sort()).toEqual(
      [third.id, fourth.id].sort(),
    );

    // Widened to the first delivery, the scope adds the second, which is recovered now, and the first,
    // which has replays already.
    const wider = await recover({ table_id: table.id, since: first.created_at });
    expect(wider.body).toEqual({ started: 1, skipped: 3, remaining: 0 });
    const allReplays = await waitForSucceeded(`table_id=${table.id}&status=succeeded`, 3);
    expect(allReplays.map((replay) => replay.replay_of)).toContain(second.id);
    expect(receiver.requests).toHaveLength(4 * 4 + 3);
  });

  it('replays each delivery once when recovers race', async () => {
    const { receiver, repair } = await startBrokenEndpoint();
    const since = new Date(Date.now() - 1000).toISOString();
    const { webhook, deliveries } = await abandonWebhookDeliveries(stack, {
      url: `${receiver.url}/race`,
      count: 3,
    });
    repair();

    // Both calls list the same three deliveries before either starts a replay, so every delivery
    // is reached twice and the second caller must find the first one's replay under the row lock.
    const gate = holdTransactionsUntil(2);
    const deps: ServiceDeps = {
      db: gate.db,
      temporal: stack.temporal,
      taskQueue: stack.taskQueue,
      namespace: 'default',
      temporalUiUrl: TEST_UI_URL,
      logger: silentLogger,
      // Recovery reads no secret and the caller bypasses the HTTP rate limit, so both only fill the type.
      secrets: new SecretBox(),
      rateLimiter: new RateLimiter({ limitPerMinute: 1_000_000 }),
    };
    const caller = createAppCaller({ deps, workspace: 'default' });
    const results = await Promise.all(
      [1, 2].map(() => caller.deliveries.recover({ webhook_id: webhook.id, since })),
    );

    expect(results.reduce((sum, result) => sum + result.started, 0)).toBe(3);
    expect(results.every((result) => result.remaining === 0)).toBe(true);
    const replayCounts = await stack.db.query<{ replay_of: string; replays: number }>(
      'SELECT replay_of, count(*)::integer AS replays FROM deliveries WHERE webhook_id = $1 AND replay_of IS NOT NULL GROUP BY replay_of',
      [webhook.id],
    );
    expect(replayCounts.map((row) => row.replay_of).sort()).toEqual(
      deliveries.map((delivery) => delivery.id).sort(),
    );
    expect(replayCounts.every((row) => row.replays === 1)).toBe(true);

    await waitForSucceeded(`webhook_id=${webhook.id}&status=succeeded`, 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(3 * 4 + 3);
  });

  it('starts nothing when no delivery is abandoned', async () => {
    const table = await createTable(stack, {});
    const response = await recover({ table_id: table.id, since: '2020-01-01T00:00:00Z' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ started: 0, skipped: 0, remaining: 0 });
  });
});

describe('deliveries.recover input', () => {
  const tableId = 'tbl_0000000000aaaaaaaaaaaaaaaa';
  const webhookId = 'whk_0000000000aaaaaaaaaaaaaaaa';
  const since = '2025-03-12T14:30:00Z';

  const cases: Array<{ name: string; body: Record<string, unknown>; field: string }> = [
    { name: 'neither table_id nor webhook_id', body: { since }, field: 'table_id' },
    {
      name: 'both table_id and webhook_id',
      body: { table_id: tableId, webhook_id: webhookId, since },
      field: 'webhook_id',
    },
    { name: 'a missing since', body: { table_id: tableId }, field: 'since' },
    {
      name: 'a since without a time zone',
      body: { table_id: tableId, since: '2025-03-12T14:30:00' },
      field: 'since',
    },
    { name: 'a limit of 0', body: { table_id: tableId, since, limit: 0 }, field: 'limit' },
    { name: 'a limit of 501', body: { table_id: tableId, since, limit: 501 }, field: 'limit' },
    { name: 'a malformed table_id', body: { table_id: 'tbl_1', since }, field: 'table_id' },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name} with 400`, async () => {
      const response = await recover(testCase.body);

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_request');
      expect(response.body.issues.map((issue: any) => issue.field)).toContain(testCase.field);
      expect(response.body.message).toContain(`${testCase.field}:`);
    });
  }

  it("answers 404 for another workspace's table", async () => {
    const otherKey = await stack.createApiKey('recover-other');
    const foreignTable = await createTable(stack, {}, otherKey);

    const response = await recover({ table_id: foreignTable.id, since });

    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(response.body.message).toContain(foreignTable.id);
  });

  it("answers 404 for another workspace's catalog webhook", async () => {
    const otherKey = await stack.createApiKey('recover-other-webhook');
    const foreignWebhook = await createCatalogWebhook(
      stack,
      { url: 'http://127.0.0.1:9/unused', events: ['product.created'] },
      otherKey,
    );

    const response = await recover({ webhook_id: foreignWebhook.id, since });

    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(response.body.message).toContain(foreignWebhook.id);
  });

  it('reads GET on the recover path as a delivery id', async () => {
    const response = await stack.request('GET', '/api/v1/deliveries/recover');

    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: any) => issue.field)).toEqual(['delivery_id']);
  });
});
