import path from 'node:path';

import { NativeConnection } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';

import {
  DELIVERY_SEARCH_ATTRIBUTE_KEYS,
  temporalConnectionOptions,
  type ServiceEnv,
  type TemporalConnectionOptions,
} from '@lasso/server';

import { resolveTemporalCli, toEphemeralExecutable } from '../temporal-cli/index.js';

// SQLite's defaults (a rollback journal, and a sync on every commit) serialize the dev server on its
// one database connection. With a write-ahead log and NORMAL sync, a commit survives the process
// being killed. A power cut or a crash of the machine may lose the last commits, but the file stays
// consistent.
const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];
const DYNAMIC_CONFIG = [
  // A workflow task that schedules an activity gets the activity task back in its reply, when the
  // worker has a free slot, instead of through a poll.
  'system.enableActivityEagerExecution=true',
  // The embedded stack runs one worker, so partitions of its task queue only add hops.
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];
const DEV_SERVER_TUNING = [
  ...SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
  ...DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
];

/** A Temporal server to use: the embedded dev server, or a cluster named by TEMPORAL_ADDRESS. */
export interface TemporalTarget {
  connectionOptions: TemporalConnectionOptions;
  /** Base URL of the Web UI, for links. */
  uiUrl: string;
  /** True when this process started the server and stops it with `stop`. */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Starts the Temporal CLI's dev server persisted to `temporal.db` in the data folder, so timers of
 * pending retries survive a restart; or, when TEMPORAL_ADDRESS is set, uses that cluster.
 */
export async function startTemporal(
  env: ServiceEnv,
  options: { dataDir: string; log: (line: string) => void },
): Promise<TemporalTarget> {
  if (env.TEMPORAL_ADDRESS !== undefined) {
    return {
      connectionOptions: await temporalConnectionOptions(env, env.TEMPORAL_ADDRESS),
      uiUrl: env.TEMPORAL_UI_URL ?? 'http://localhost:8080',
      embedded: false,
      stop: async () => {},
    };
  }

  const executable = await resolveTemporalCli({ log: options.log });
  options.log(`starting the Temporal dev server on 127.0.0.1:${env.TEMPORAL_PORT}`);
  const testEnv = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: toEphemeralExecutable(executable),
      dbFilename: path.join(options.dataDir, 'temporal.db'),
      ip: '127.0.0.1',
      port: env.TEMPORAL_PORT,
      ui: true,
      uiPort: env.TEMPORAL_UI_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
      searchAttributes: Object.values(DELIVERY_SEARCH_ATTRIBUTE_KEYS),
      extraArgs: DEV_SERVER_TUNING,
    },
  });

  return {
    connectionOptions: { address: testEnv.address },
    uiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
    embedded: true,
    stop: () => testEnv.teardown(),
  };
}

/** Opens the worker's connection to Temporal with the same address, TLS and key as the client. */
export async function connectWorker(options: TemporalConnectionOptions): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: options.address,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  });
}
