import { z } from 'zod';

export const API_KEY_PREFIX = 'lasso_';

/** An API key as callers send it: `lasso_` and at least 20 more characters. */
export const apiKeySchema = z
  .string()
  .regex(
    /^lasso_[A-Za-z0-9_-]{20,200}$/,
    'must be lasso_ followed by 20 to 200 letters, digits, - or _',
  );

/** Workspace name: lower-case letters, digits and dashes. */
export const workspaceNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit',
  );
