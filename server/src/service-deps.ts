import type { Client } from '@temporalio/client';

import type { Database } from './database/database.js';
import type { Logger } from './logger.js';

/** What the API needs to serve requests: storage, Temporal and where links point. */
export interface ServiceDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  namespace: string;
  /** Base URL of the Temporal Web UI, used for links in delivery records. */
  temporalUiUrl: string;
  logger: Logger;
}
