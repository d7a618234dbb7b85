// The API server on its own, for running it apart from the worker: `npm start -w server`.
import { z } from 'zod';

import { registerBootstrapKey } from '../auth/bootstrap-key.js';
import { ConfigError, parseEnv, serviceEnvSchema } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { createApiServer } from '../http/api-server.js';
import { RateLimiter } from '../http/rate-limiter.js';
import { closeServer, listen } from '../http/listen.js';
import { createJsonLogger } from '../logger.js';
import { describeSecretStorage, SecretBox } from '../secrets/secret-box.js';
import { connectTemporalClient } from '../temporal/connect-client.js';
import { temporalConnectionOptions } from '../temporal/connection-options.js';

// Apart from the worker, both processes need a database they can share: PostgreSQL.
const standaloneEnvSchema = serviceEnvSchema.extend({
  DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string({
      error:
        'is required when the API runs on its own; `npm start` runs everything with the embedded database',
    }),
  ),
  TEMPORAL_ADDRESS: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('localhost:7233'),
  ),
});

async function main(): Promise<void> {
  const env = parseEnv(standaloneEnvSchema);
  const logger = createJsonLogger();

  const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
  if (env.LASSO_BOOTSTRAP_API_KEY !== undefined) {
    await registerBootstrapKey(db, env.LASSO_BOOTSTRAP_API_KEY);
  }
  const temporal = await connectTemporalClient(
    await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS),
    env.TEMPORAL_NAMESPACE,
  );

  const secrets = new SecretBox({
    current: env.LASSO_SECRET_KEY,
    previous: env.LASSO_PREVIOUS_SECRET_KEYS,
  });
  const server = createApiServer({
    db,
    temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    namespace: env.TEMPORAL_NAMESPACE,
    temporalUiUrl: env.TEMPORAL_UI_URL ?? 'http://localhost:8080',
    logger,
    secrets,
    rateLimiter: new RateLimiter({ limitPerMinute: env.API_RATE_LIMIT_PER_MINUTE }),
  });
  const url = await listen(server, { port: env.PORT, host: env.HOST });
  logger.info('API listening', {
    url,
    temporal: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    secrets: describeSecretStorage(secrets),
    rate_limit_per_minute: env.API_RATE_LIMIT_PER_MINUTE,
  });

  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    await closeServer(server);
    await temporal.connection.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `failed to start: ${String(error)}`}\n`,
  );
  process.exit(1);
});
