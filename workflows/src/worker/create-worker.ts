import { fileURLToPath } from 'node:url';

import { Client } from '@temporalio/client';
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
  /** Client of the same cluster and namespace, for attempts that cancel their own workflow. */
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

// A workflow task stays open while its local activity (an attempt or a fan-out page) runs, so there
// are twice as many slots as attempts at once: hanging endpoints cannot hold every slot. The cache
// keeps workflows between their tasks, and its size bounds the worker's memory while deliveries wait.
const WORKFLOW_TASK_SLOTS = 200;
// TODO: the service uses 700 to 800 MB with 2,000 to 3,600 deliveries waiting (benchmark backlog
// runs), against a target of 400 MB with 20,000. The two V8 heaps (main and workflow thread) take
// about 210 MB and 170 MB but keep only about 60 MB each alive, and PGlite takes 145 MB. How much of
// the native rest is this cache in the SDK's core is not measured.
const CACHED_WORKFLOWS = 500;
// Long polls outstanding at once. Half of the workflow task polls go to the shared queue, where the
// first task of every new workflow waits. The default share, a fifth, starves that queue under a
// steady stream of new deliveries.
const WORKFLOW_TASK_POLLS = 40;
const ACTIVITY_TASK_POLLS = 20;

/** Creates a worker that runs delivery workflows and their activities on one task queue. */
export async function createDeliveryWorker(options: DeliveryWorkerOptions): Promise<Worker> {
  // The fan-out starts delivery workflows through the worker's own connection, so the server can
  // hand each new workflow's first task straight back to this worker (eager start).
  const localClient = new Client({ connection: options.connection, namespace: options.namespace });

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
      ...createFanOutActivities({ db: options.db, temporal: localClient, eagerStart: true }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentLocalActivityExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
    maxCachedWorkflows: CACHED_WORKFLOWS,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: WORKFLOW_TASK_POLLS },
    nonStickyToStickyPollRatio: 1,
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: ACTIVITY_TASK_POLLS },
  });
}
