import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';

import {
  closeServer,
  connectTemporalClient,
  createApiServer,
  generateApiKey,
  listen,
  openDatabase,
  silentLogger,
  storeApiKey,
  type Database,
} from '@lasso/server';

import { startDevServer, type DevServer } from '../support/dev-server.js';
import { waitFor } from '../support/waits.js';

// NOTE: this test runs and kills a Temporal CLI of its own, so it is skipped when the global setup
// found no CLI file. The setup then runs the SDK's downloaded server, whose path it does not know.
const cliPath = inject('temporalCliPath');

// A workflow start inside a transaction has a 5 s deadline, and the client's retry backoff may
// wait up to 5 s more before it notices the deadline passed. Without the deadline it took about 20 s.
const START_FAILS_WITHIN_MS = 15_000;

// NOTE: no test covers the 503 for a database that is down. PGlite runs inside the process and
// cannot become unreachable, and only the PostgreSQL backend raises DatabaseUnavailableError.
const UNAVAILABLE_BODY = {
  code: 'unavailable',
  message: 'Temporal is unavailable; try again shortly',
};

let dataDir: string;
let devServer: DevServer | undefined;
let db: Database;
let temporal: Client;
let server: Server;
let baseUrl: string;
let apiKey: string;

/** Sends a JSON request with the test's API key and returns the status, the parsed body and the time taken. */
async function callApi(
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: any; durationMs: number }> {
  const startedAt = Date.now();
  const response = await fetch(baseUrl + urlPath, {
    method,
    headers: {
      Authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? null : JSON.parse(text),
    durationMs: Date.now() - startedAt,
  };
}

async function createTableWithWebhook(name: string): Promise<string> {
  const created = await callApi('POST', '/api/v1/tables', {
    schema_id: 'sch_invoices',
    name,
    file_ids: ['file_1'],
    // No worker polls this test's task queue, so nothing is ever sent here.
    webhook_url: 'http://127.0.0.1:9/unused',
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  if (cliPath === null) {
    return;
  }
  dataDir = await mkdtemp(path.join(tmpdir(), 'lasso-temporal-unavailable-'));
  devServer = await startDevServer({ cliPath, dbFilename: path.join(dataDir, 'temporal.db') });

  // The API alone, with its Temporal client on this test's dev server, which the test kills.
  db = await openDatabase({});
  temporal = await connectTemporalClient({ address: devServer.address }, 'default');
  server = createApiServer({
    db,
    temporal,
    taskQueue: `temporal-unavailable-${randomUUID()}`,
    namespace: 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
    logger: silentLogger,
  });
  baseUrl = await listen(server, { port: 0, host: '127.0.0.1' });
  apiKey = generateApiKey();
  await storeApiKey(db, { key: apiKey, workspace: 'default' });
});

afterAll(async () => {
  if (server !== undefined) {
    await closeServer(server);
  }
  await temporal?.connection.close();
  await db?.close();
  await devServer?.stop();
  if (dataDir !== undefined) {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it.skipIf(cliPath === null)(
  'returns 503 while Temporal is down',
  { timeout: 150_000 },
  async () => {
    const tableId = await createTableWithWebhook('Invoices March');

    // A delivery started while Temporal is up, to cancel while it is down.
    const startedTableId = await createTableWithWebhook('Invoices February');
    const startedTable = await callApi('POST', `/api/v1/tables/${startedTableId}/complete`, {
      total_rows: 2,
    });
    expect(startedTable.status).toBe(200);
    const started = await callApi('GET', `/api/v1/deliveries?table_id=${startedTableId}`);
    expect(started.body.data).toHaveLength(1);
    const pendingDeliveryId: string = started.body.data[0].id;

    const idempotencyKey = `unavailable-${randomUUID()}`;
    const event = {
      event: 'product.updated',
      data: { product_id: 'prod_down', product: { sku: 'DOWN-1' } },
      idempotency_key: idempotencyKey,
    };

    await devServer!.stop('SIGKILL');

    // The cancel's signal runs outside any transaction, so it is sent alongside the others.
    const cancelling = callApi('POST', `/api/v1/deliveries/${pendingDeliveryId}/cancel`);

    const completed = await callApi('POST', `/api/v1/tables/${tableId}/complete`, {
      total_rows: 7,
    });
    expect(completed.status).toBe(503);
    expect(completed.body).toEqual(UNAVAILABLE_BODY);
    expect(completed.durationMs).toBeLessThan(START_FAILS_WITHIN_MS);

    const published = await callApi('POST', '/api/v1/events', event);
    expect(published.status).toBe(503);
    expect(published.body).toEqual(UNAVAILABLE_BODY);
    expect(published.durationMs).toBeLessThan(START_FAILS_WITHIN_MS);

    const cancelled = await cancelling;
    expect(cancelled.status).toBe(503);
    expect(cancelled.body).toEqual(UNAVAILABLE_BODY);

    // The transaction rolled back: the table still waits for its end and has no delivery.
    const table = await callApi('GET', `/api/v1/tables/${tableId}`);
    expect(table.status).toBe(200);
    expect(table.body.status).toBe('processing');
    expect(table.body.total_rows).toBeNull();
    expect(table.body.finished_at).toBeNull();
    const deliveries = await callApi('GET', `/api/v1/deliveries?table_id=${tableId}`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.data).toEqual([]);
    const stillPending = await callApi('GET', `/api/v1/deliveries/${pendingDeliveryId}`);
    expect(stillPending.body.status).toBe('pending');

    devServer = await startDevServer({
      cliPath: cliPath!,
      dbFilename: path.join(dataDir, 'temporal.db'),
      port: devServer!.port,
    });

    // The client reconnects by itself; its channel may still be in reconnect backoff at first.
    const completedLater = await waitFor(
      'tables.complete to succeed after Temporal came back',
      async () => {
        const response = await callApi('POST', `/api/v1/tables/${tableId}/complete`, {
          total_rows: 7,
        });
        return response.status === 503 ? undefined : response;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(completedLater.status).toBe(200);
    expect(completedLater.body.status).toBe('completed');
    const deliveriesLater = await callApi('GET', `/api/v1/deliveries?table_id=${tableId}`);
    expect(deliveriesLater.body.data).toHaveLength(1);

    // The key is free again: the failed publish stored no event that could claim it.
    const publishedLater = await callApi('POST', '/api/v1/events', event);
    expect(publishedLater.status).toBe(202);
    expect(publishedLater.body.duplicate).toBe(false);
  },
);
