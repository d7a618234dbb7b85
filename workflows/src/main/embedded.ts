// `npm start`: the whole service in one process, with the embedded Temporal dev server and PGlite by default.
import { Runtime } from '@temporalio/worker';

import {
  ConfigError,
  createJsonLogger,
  describeAllowedNetworks,
  describeSecretStorage,
  parseEnv,
  serviceEnvSchema,
} from '@lasso/server';

import { startEmbeddedStack, type EmbeddedStack } from '../embedded/start-embedded-stack.js';

const log = (line: string) => process.stderr.write(`[lasso] ${line}\n`);

function printBanner(stack: EmbeddedStack): void {
  const lines = [
    '',
    'Lasso Webhooks is running.',
    `  API:              ${stack.apiUrl}  (JSON under /api/v1, tRPC under /trpc)`,
    `  Temporal:         ${stack.temporalAddress}`,
    `  Temporal Web UI:  ${stack.temporalUiUrl}`,
    `  API key:          ${stack.apiKey}`,
    `  Open networks:    ${describeAllowedNetworks(stack.allowedNetworks)}  (special-purpose blocks webhooks may reach; WEBHOOK_ALLOWED_NETWORKS)`,
    `  Stored secrets:   ${describeSecretStorage(stack.secrets)}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${stack.apiKey}" ${stack.apiUrl}/api/v1/tables`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const env = parseEnv(serviceEnvSchema);

  // The SDK would stop the worker on SIGINT by itself; this process stops its parts in order instead,
  // so the worker drains before the database and Temporal close.
  Runtime.install({ shutdownSignals: [] });

  // Signals are handled from the start: one that arrives while the dev server starts must still stop
  // it, or it would outlive this process.
  let stack: EmbeddedStack | null = null;
  let stopRequested: string | null = null;
  let stopping = false;

  const stop = (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopRequested = signal;
    if (stack === null) {
      log(`${signal} received: stopping once startup finishes`);
      return;
    }
    stopping = true;
    log(`${signal} received: stopping the API, the worker and Temporal`);
    stack.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log(`stopped with an error: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  stack = await startEmbeddedStack(env, { logger: createJsonLogger(), log });
  if (stopRequested !== null) {
    stop(stopRequested);
    return;
  }
  printBanner(stack);
}

main().catch((error: unknown) => {
  log(
    error instanceof ConfigError
      ? error.message
      : `failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
