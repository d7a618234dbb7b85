import { fileURLToPath } from 'node:url';

import { Worker, type NativeConnection } from '@temporalio/worker';

import type { Database } from '@lasso/server';

import { createDeliveryActivities, type DeliveryActivityDeps } from '../activities/delivery-activities.js';

export interface DeliveryWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  post?: DeliveryActivityDeps['post'];
  /** Attempts (HTTP requests) one worker runs at once. */
  maxConcurrentActivities?: number;
}

// Built by scripts/bundle-workflows.mjs next to this package's compiled code.
const WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/** Creates a worker that runs delivery workflows and their activities on one task queue. */
export async function createDeliveryWorker(options: DeliveryWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH },
    activities: createDeliveryActivities({ db: options.db, ...(options.post ? { post: options.post } : {}) }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
  });
}

