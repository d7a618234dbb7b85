// `npm start`: the whole service in one process, with the embedded Temporal dev server and PGlite by default.
import { ConfigError, createJsonLogger, parseEnv, serviceEnvSchema } from '@lasso/server';

import { startEmbeddedStack } from '../embedded/start-embedded-stack.js';

const log = (line: string) => process.stderr.write(`[lasso] ${line}\n`);

async function main(): Promise<void> {
  const env = parseEnv(serviceEnvSchema);
  const stack = await startEmbeddedStack(env, { logger: createJsonLogger(), log });

  const lines = [
    '',
    'Lasso Webhooks is running.',
    `  API:              ${stack.apiUrl}  (JSON under /api/v1, tRPC under /trpc)`,
    `  Temporal:         ${stack.temporalAddress}`,
    `  Temporal Web UI:  ${stack.temporalUiUrl}`,
    `  API key:          ${stack.apiKey}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${stack.apiKey}" ${stack.apiUrl}/api/v1/tables`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
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
}

main().catch((error: unknown) => {
  log(error instanceof ConfigError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
