import { fileURLToPath } from 'node:url';

import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';

import type { Database, IpNetwork, SecretBox } from '@lasso/server';

import {
  createDeliveryActivities,
  type DeliveryActivityDeps,
} from '../activities/delivery-activities.js';
import { createFanOutActivities } from '../activities/fan-out-activities.js';
import { createGuardedAgent } from '../outbound/guarded-agent.js';
import type { HostLookup } from '../outbound/guarded-lookup.js';

export interface DeliveryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  /** Client the fan-out uses to start delivery workflows, on the same cluster and namespace. */
  temporal: Client;
  post?: DeliveryActivityDeps['post'];
  /** Attempts (HTTP requests) one worker runs at once. */
  maxConcurrentActivities?: number;
  /** Decrypts stored secrets for the attempts; built from LASSO_SECRET_KEY and the previous keys. */
  secrets: SecretBox;
  /** Special-purpose blocks (loopback, private, ...) that webhooks may reach; empty blocks them all. */
  allowedNetworks: readonly IpNetwork[];
  /** Resolver for endpoint host names; the system resolver when unset. */
  lookup?: HostLookup;
}

/** Path of the workflow bundle that scripts/bundle-workflows.mjs builds next to the compiled code. */
export const WORKFLOW_BUNDLE_PATH = fileURLToPath(
  new URL('../workflow-bundle.js', import.meta.url),
);

/** Creates a worker that runs delivery workflows and their activities on one task queue. */
export async function createDeliveryWorker(options: DeliveryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH },
    activities: {
      ...createDeliveryActivities({
        db: options.db,
        temporal: options.temporal,
        secrets: options.secrets,
        dispatcher: createGuardedAgent({
          allowedNetworks: options.allowedNetworks,
          lookup: options.lookup,
        }),
        ...(options.post ? { post: options.post } : {}),
      }),
      ...createFanOutActivities({ db: options.db, temporal: options.temporal }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
  });
}
