import type { Client } from '@temporalio/client';

import type { Database } from './database/database.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { Logger } from './logger.js';
import type { SecretBox } from './secrets/secret-box.js';

/** What the API needs to serve requests: storage, Temporal and where links point. */
export interface ServiceDeps {
  db: Database;
  temporal: Client;
  /**
   * A client on the connection of a worker that runs in this process, when there is one. Starts of
   * fan-outs go through it with eager start: the server hands the first workflow task straight to
   * that worker instead of through its task queue.
   */
  localWorkerClient?: Client | undefined;
  taskQueue: string;
  namespace: string;
  /** Base URL of the Temporal Web UI, used for links in delivery records. */
  temporalUiUrl: string;
  logger: Logger;
  /** Seals webhook secrets and auth header values before they are stored; without it they are stored as given. */
  secrets?: SecretBox | undefined;
  /** Requests per API key, checked after the key authenticates; without it requests are not limited. */
  rateLimiter?: RateLimiter | undefined;
}
