// The worker on its own, for running it apart from the API: `npm start -w workflows`.
import { z } from 'zod';

import { ConfigError, openDatabase, parseEnv, serviceEnvSchema, temporalConnectionOptions } from '@lasso/server';

import { connectWorker } from '../embedded/start-temporal.js';
import { createDeliveryWorker } from '../worker/create-worker.js';

// Apart from the API, both processes need a database they can share: PostgreSQL.
const standaloneEnvSchema = serviceEnvSchema.extend({
  DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string({
    error: 'is required when the worker runs on its own; `npm start` runs everything with the embedded database',
    }),
  ),
  TEMPORAL_ADDRESS: z.preprocess((value) => (value === '' ? undefined : value), z.string().default('localhost:7233')),
  WORKER_MAX_CONCURRENT_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(100),
});

async function main(): Promise<void> {
  const env = parseEnv(standaloneEnvSchema);

  const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
  const connection = await connectWorker(await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS));
  const worker = await createDeliveryWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ATTEMPTS,
  });

  // Worker.run handles SIGINT and SIGTERM itself: it stops polling and lets attempts in flight finish.
  await worker.run();
  await connection.close();
  await db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `worker failed: ${String(error)}`}\n`);
  process.exit(1);
});
