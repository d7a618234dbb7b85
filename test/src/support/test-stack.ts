import { randomUUID } from 'node:crypto';

import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';

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
import { createDeliveryWorker } from '@lasso/workflows';

export const TEST_UI_URL = 'http://127.0.0.1:8233';

/** The API and a worker in this process, on the shared dev server, with their own task queue and database. */
export interface TestStack {
  baseUrl: string;
  /** A key of workspace `default`. */
  apiKey: string;
  db: Database;
  temporal: Client;
  taskQueue: string;
  temporalAddress: string;
  /** Makes a key for another workspace. */
  createApiKey(workspace: string): Promise<string>;
  /** Sends a JSON request to the API and returns the status and the parsed body. */
  request(method: string, path: string, options?: { body?: unknown; apiKey?: string | null }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const temporalAddress = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const db = await openDatabase({});

  const temporal = await connectTemporalClient({ address: temporalAddress }, 'default');
  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await createDeliveryWorker({ connection: workerConnection, namespace: 'default', taskQueue, db });
  const workerRun = worker.run();

  const server = createApiServer({
    db,
    temporal,
    taskQueue,
    namespace: 'default',
    temporalUiUrl: TEST_UI_URL,
    logger: silentLogger,
  });
  const baseUrl = await listen(server, { port: 0, host: '127.0.0.1' });

  const createApiKey = async (workspace: string) => {
    const key = generateApiKey();
    await storeApiKey(db, { key, workspace });
    return key;
  };
  const apiKey = await createApiKey('default');

  return {
    baseUrl,
    apiKey,
    db,
    temporal,
    taskQueue,
    temporalAddress,
    createApiKey,

    async request(method, path, options = {}) {
      const key = options.apiKey === undefined ? apiKey : options.apiKey;
      const response = await fetch(baseUrl + path, {
        method,
        headers: {
          ...(key !== null ? { Authorization: `Bearer ${key}` } : {}),
          ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },

    async close() {
      await closeServer(server);
      worker.shutdown();
      await workerRun;
      await workerConnection.close();
      await temporal.connection.close();
      await db.close();
    },
  };
}
