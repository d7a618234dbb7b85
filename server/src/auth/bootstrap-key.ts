import { apiKeySchema } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';
import { storeApiKey } from './api-keys.js';

/** Workspace of the key given in LASSO_BOOTSTRAP_API_KEY. */
export const BOOTSTRAP_WORKSPACE = 'default';

/** Makes an exact key valid for workspace `default`, so scripts and tests can start with a known key. */
export async function registerBootstrapKey(db: Queryable, key: string): Promise<void> {
  const parsed = apiKeySchema.safeParse(key);
  if (!parsed.success) {
    throw new Error(
      'LASSO_BOOTSTRAP_API_KEY must be lasso_ followed by 20 to 200 letters, digits, - or _; make one with `npm run keys -- generate`',
    );
  }
  await storeApiKey(db, {
    key,
    workspace: BOOTSTRAP_WORKSPACE,
    description: 'bootstrap key from LASSO_BOOTSTRAP_API_KEY',
  });
}
