import { z } from 'zod';

import { allowedNetworksSetting } from './network/allowed-networks-setting.js';
import { previousSecretKeysSetting, secretKeySetting } from './secrets/secret-key-settings.js';

// Empty strings count as unset, so `FOO= npm start` means the same as leaving FOO out.
const optionalText = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

const booleanFlag = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((value) => value === 'true' || value === '1'),
);

const port = (fallback: number) =>
  z.preprocess(
    (value) => (value === '' || value === undefined ? fallback : value),
    z.coerce
      .number()
      .int()
      .min(0, 'must be a port from 0 to 65535')
      .max(65535, 'must be a port from 0 to 65535'),
  );

/** Settings of a Temporal connection; an unset address means the embedded dev server. */
export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('default'),
  ),
  TEMPORAL_TASK_QUEUE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('lasso-deliveries'),
  ),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: booleanFlag,
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_UI_URL: optionalText,
});

export const serviceEnvSchema = temporalEnvSchema.extend({
  PORT: port(3000),
  HOST: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('127.0.0.1'),
  ),
  DATA_DIR: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().default('./.data'),
  ),
  DATABASE_URL: optionalText,
  LASSO_BOOTSTRAP_API_KEY: optionalText,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  NODE_ENV: optionalText,
  WEBHOOK_ALLOWED_NETWORKS: allowedNetworksSetting,
  LASSO_SECRET_KEY: secretKeySetting,
  LASSO_PREVIOUS_SECRET_KEYS: previousSecretKeysSetting,
  API_RATE_LIMIT_PER_MINUTE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce
      .number()
      .int('must be a whole number of requests per minute')
      .min(1, 'must be at least 1 request per minute')
      .max(1_000_000, 'must be at most 1000000 requests per minute')
      .default(600),
  ),
});

export type ServiceEnv = z.infer<typeof serviceEnvSchema>;
export type TemporalEnv = z.infer<typeof temporalEnvSchema>;

/** Raised when the environment has invalid settings; the message lists every one of them. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment with a schema and throws a ConfigError that lists every invalid variable. */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) {
    return result.data;
  }

  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid environment variables:\n${lines.join('\n')}`);
}
