import { z } from 'zod';

import { OptionValueError } from './parse-values.js';
import type { GlobalArgs } from './parse-args.js';
import { DEFAULT_API_URL } from './usage.js';

// Empty strings count as unset, so `LASSO_URL= lasso ...` means the same as leaving it out.
const optionalText = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().optional(),
);

const cliEnvSchema = z.object({
  LASSO_URL: optionalText,
  LASSO_API_KEY: optionalText,
});

/** Base URL and API key of every call the CLI makes. */
export interface ConnectionSettings {
  baseUrl: string;
  apiKey: string;
}

/**
 * Picks the API URL and key: the command-line option first, then the environment variable, then
 * the default URL. Throws an OptionValueError when the key is missing or the URL is not http(s).
 */
export function resolveConnectionSettings(
  global: GlobalArgs,
  env: NodeJS.ProcessEnv,
): ConnectionSettings {
  const parsed = cliEnvSchema.parse(env);

  const apiKey = global.apiKey ?? parsed.LASSO_API_KEY;
  if (apiKey === undefined) {
    throw new OptionValueError('missing API key: pass --api-key KEY or set LASSO_API_KEY');
  }

  const urlSource = global.url !== undefined ? '--url' : 'LASSO_URL';
  const baseUrl = global.url ?? parsed.LASSO_URL ?? DEFAULT_API_URL;
  if (!URL.canParse(baseUrl) || !['http:', 'https:'].includes(new URL(baseUrl).protocol)) {
    throw new OptionValueError(
      `${urlSource} must be an http or https URL such as ${DEFAULT_API_URL}, received ${JSON.stringify(baseUrl)}`,
    );
  }

  return { baseUrl, apiKey };
}
