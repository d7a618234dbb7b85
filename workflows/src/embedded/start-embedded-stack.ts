import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { Client } from '@temporalio/client';

import {
  closeServer,
  connectTemporalClient,
  createApiServer,
  listen,
  lockDataDir,
  openDatabase,
  RateLimiter,
  registerBootstrapKey,
  resolveAllowedNetworks,
  SecretBox,
  type IpNetwork,
  type Logger,
  type ServiceEnv,
} from '@lasso/server';

import { createDeliveryWorker } from '../worker/create-worker.js';

import { readOrCreateLocalApiKey } from './local-api-key.js';
import { connectWorker, startTemporal } from './start-temporal.js';

export interface EmbeddedStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  apiKey: string;
  /** Special-purpose blocks that webhooks may reach: loopback by default outside production. */
  allowedNetworks: IpNetwork[];
  secrets: SecretBox;
  /** Stops the API, lets attempts in flight finish, then stops the worker, Temporal and the database. */
  stop(): Promise<void>;
}

/**
 * Starts the whole service in this process: Temporal (the embedded dev server unless
 * TEMPORAL_ADDRESS is set), the database (PGlite unless DATABASE_URL is set), the worker and the API.
 * Whatever started is stopped again when a later step fails.
 */
export async function startEmbeddedStack(
  env: ServiceEnv,
  options: { logger: Logger; log: (line: string) => void },
): Promise<EmbeddedStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        options.logger.error('shutdown step failed', { error: String(error) }),
      );
    }
  };

  const allowedNetworks = resolveAllowedNetworks({
    configured: env.WEBHOOK_ALLOWED_NETWORKS,
    nodeEnv: env.NODE_ENV,
    localRun: true,
  });
  const secrets = new SecretBox({
    current: env.LASSO_SECRET_KEY,
    previous: env.LASSO_PREVIOUS_SECRET_KEYS,
  });

  try {
    const dataDir = path.resolve(env.DATA_DIR);
    await mkdir(dataDir, { recursive: true });
    const lock = await lockDataDir(dataDir);
    cleanups.push(() => lock.release());

    const temporal = await startTemporal(env, { dataDir, log: options.log });
    cleanups.push(() => temporal.stop());

    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
    cleanups.push(() => db.close());

    const apiKey = env.LASSO_BOOTSTRAP_API_KEY ?? (await readOrCreateLocalApiKey(dataDir));
    await registerBootstrapKey(db, apiKey);

    const client = await connectTemporalClient(temporal.connectionOptions, env.TEMPORAL_NAMESPACE);
    cleanups.push(() => client.connection.close());

    const workerConnection = await connectWorker(temporal.connectionOptions);
    cleanups.push(() => workerConnection.close());
    const localWorkerClient = new Client({
      connection: workerConnection,
      namespace: env.TEMPORAL_NAMESPACE,
    });
    const worker = await createDeliveryWorker({
      connection: workerConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db,
      temporal: client,
      secrets,
      allowedNetworks,
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRun;
    });
    // A worker that dies on its own leaves deliveries unserved; say so loudly rather than idle on.
    workerRun.catch((error: unknown) =>
      options.logger.error('worker stopped with an error', { error: String(error) }),
    );

    const server = createApiServer({
      db,
      temporal: client,
      localWorkerClient,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      namespace: env.TEMPORAL_NAMESPACE,
      temporalUiUrl: temporal.uiUrl,
      logger: options.logger,
      secrets,
      rateLimiter: new RateLimiter({ limitPerMinute: env.API_RATE_LIMIT_PER_MINUTE }),
    });
    const apiUrl = await listen(server, { port: env.PORT, host: env.HOST });
    cleanups.push(() => closeServer(server));

    return {
      apiUrl,
      temporalAddress: temporal.connectionOptions.address,
      temporalUiUrl: temporal.uiUrl,
      apiKey,
      allowedNetworks,
      secrets,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
