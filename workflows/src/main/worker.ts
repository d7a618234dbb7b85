// The worker on its own, for running it apart from the API: `npm start -w workflows`.
import { z } from 'zod';

import {
  ConfigError,
  connectTemporalClient,
  describeAllowedNetworks,
  describeSecretStorage,
  openDatabase,
  parseEnv,
  resolveAllowedNetworks,
  SecretBox,
  serviceEnvSchema,
  temporalConnectionOptions,
} from '@lasso/server';

import { connectWorker } from '../embedded/start-temporal.js';
import { createDeliveryWorker } from '../worker/create-worker.js';

// Apart from the API, both processes need a database they can share: PostgreSQL.
const standaloneEnvSchema = serviceEnvSchema.extend({
  DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string({
      error:
        'is required when the worker runs on its own; `npm start` runs everything with the embedded database',
    }),
  ),
  TEMPORAL_ADDRESS: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('localhost:7233'),
  ),
  WORKER_MAX_CONCURRENT_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(100),
});

async function main(): Promise<void> {
  const env = parseEnv(standaloneEnvSchema);

  const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
  const connectionOptions = await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS);
  const connection = await connectWorker(connectionOptions);
  const temporal = await connectTemporalClient(connectionOptions, env.TEMPORAL_NAMESPACE);
  // A standalone worker is a deployment, so it opens no block unless WEBHOOK_ALLOWED_NETWORKS lists it.
  const allowedNetworks = resolveAllowedNetworks({
    configured: env.WEBHOOK_ALLOWED_NETWORKS,
    nodeEnv: env.NODE_ENV,
    localRun: false,
  });
  const secrets = new SecretBox({
    current: env.LASSO_SECRET_KEY,
    previous: env.LASSO_PREVIOUS_SECRET_KEYS,
  });
  process.stderr.write(
    `open networks: ${describeAllowedNetworks(allowedNetworks)} (WEBHOOK_ALLOWED_NETWORKS); stored secrets: ${describeSecretStorage(secrets)}\n`,
  );
  const worker = await createDeliveryWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    temporal,
    secrets,
    allowedNetworks,
    maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ATTEMPTS,
  });

  // Worker.run handles SIGINT and SIGTERM itself: it stops polling and lets attempts in flight finish.
  await worker.run();
  await temporal.connection.close();
  await connection.close();
  await db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `worker failed: ${String(error)}`}\n`,
  );
  process.exit(1);
});
