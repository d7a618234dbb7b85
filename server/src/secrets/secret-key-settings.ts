import { z } from 'zod';

import { InvalidSecretKeyError, parseSecretKey, type SecretKey } from './secret-key.js';

function readKey(text: string, context: z.RefinementCtx, label: string): SecretKey | undefined {
  try {
    return parseSecretKey(text);
  } catch (error) {
    if (!(error instanceof InvalidSecretKeyError)) {
      throw error;
    }
    context.addIssue({ code: 'custom', message: `${label}${error.message}` });
    return undefined;
  }
}

/** LASSO_SECRET_KEY: the key new secrets are encrypted with; unset stores them as given. */
export const secretKeySetting = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .string()
    .optional()
    .transform((value, context) =>
      value === undefined ? undefined : (readKey(value, context, '') ?? z.NEVER),
    ),
);

/** LASSO_PREVIOUS_SECRET_KEYS: comma-separated older keys, still accepted for reading. */
export const previousSecretKeysSetting = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .string()
    .optional()
    .transform((value, context) => {
      const entries = (value ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      // The position names a bad key without repeating any of the key's text.
      const keys = entries.map((entry, index) => readKey(entry, context, `key ${index + 1} `));
      return keys.every((key) => key !== undefined) ? keys : z.NEVER;
    }),
);
