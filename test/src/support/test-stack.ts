import { randomUUID } from 'node:crypto';

import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';

import {
  closeServer,
  connectTemporalClient,
  createApiServer,
  generateApiKey,
  listen,
  LOOPBACK_NETWORKS,
  openDatabase,
  parseNetworkList,
  RateLimiter,
  SecretBox,
  silentLogger,
  storeApiKey,
  type Database,
} from '@lasso/server';
import { createDeliveryWorker, type HostLookup } from '@lasso/workflows';

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
  request(
    method: string,
    path: string,
    options?: { body?: unknown; apiKey?: string | null },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Settings a test may change; each default keeps the stack as the other tests expect it. */
export interface TestStackOptions {
  /** CIDR blocks webhooks may reach, as WEBHOOK_ALLOWED_NETWORKS writes them; loopback by default. */
  allowedNetworks?: string;
  /** Resolver for endpoint host names; the system resolver by default. */
  lookup?: HostLookup;
  /** Seals and opens stored secrets; no key by default. */
  secrets?: SecretBox;
  /** Requests per API key per minute; high enough by default that no test meets it. */
  rateLimitPerMinute?: number;
}

let runtimeInstalled = false;

// Worker state changes and activity lines at INFO level would bury the test report; warnings stay.
function installQuietRuntime(): void {
  if (runtimeInstalled) {
    return;
  }
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Another module of this test process created the runtime first; its logger stays.
  }
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  installQuietRuntime();
  const temporalAddress = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const db = await openDatabase({});
  const secrets = options.secrets ?? new SecretBox();

  const temporal = await connectTemporalClient({ address: temporalAddress }, 'default');
  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await createDeliveryWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    db,
    temporal,
    secrets,
    // Receivers in tests listen on loopback, which the local default opens too.
    allowedNetworks:
      options.allowedNetworks === undefined
        ? LOOPBACK_NETWORKS
        : parseNetworkList(options.allowedNetworks),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  const workerRun = worker.run();

  const server = createApiServer({
    db,
    temporal,
    taskQueue,
    namespace: 'default',
    temporalUiUrl: TEST_UI_URL,
    logger: silentLogger,
    secrets,
    rateLimiter: new RateLimiter({ limitPerMinute: options.rateLimitPerMinute ?? 1_000_000 }),
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
