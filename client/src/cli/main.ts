#!/usr/bin/env node
// `lasso`: lists, shows, cancels, replays and recovers deliveries through the Lasso API.
import { createLassoClient } from '../create-client.js';
import type { CommandContext } from './command-context.js';
import { resolveConnectionSettings, type ConnectionSettings } from './connection-settings.js';
import { describeCliError } from './describe-error.js';
import { fetchWithTimeout } from './fetch-with-timeout.js';
import { CliUsageError, parseCliArgs, type CliArgs } from './parse-args.js';
import { OptionValueError } from './parse-values.js';
import { runCommand } from './run-command.js';
import { COMMAND_USAGE } from './usage.js';

// Exit codes: 2 for invalid usage, as Bash builtins and GNU tools use it, and 130 (128 + SIGINT) for Ctrl-C.
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      return failUsage(error.message, error.usage);
    }
    throw error;
  }

  if (args.kind === 'help') {
    process.stdout.write(args.usage);
    return 0;
  }

  let settings: ConnectionSettings;
  try {
    settings = resolveConnectionSettings(args.global, env);
  } catch (error) {
    if (error instanceof OptionValueError) {
      return failUsage(error.message, COMMAND_USAGE[args.command.name]);
    }
    throw error;
  }

  const context: CommandContext = {
    client: createLassoClient({ ...settings, fetch: fetchWithTimeout }),
    stdout: { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
  };
  const stop = new AbortController();
  if (args.command.name === 'recover') {
    stopOnInterrupt(stop);
  }

  try {
    const outcome = await runCommand(context, args.command, stop.signal);
    return outcome === 'stopped' ? EXIT_INTERRUPTED : 0;
  } catch (error) {
    process.stderr.write(`lasso: ${describeCliError(error, settings.baseUrl)}\n`);
    return EXIT_FAILURE;
  }
}

function failUsage(message: string, usage: string): number {
  process.stderr.write(`lasso: ${message}\n\n${usage}`);
  return EXIT_USAGE;
}

// The first Ctrl-C lets the running batch finish, so its replays are counted. The second exits at once.
function stopOnInterrupt(stop: AbortController): void {
  process.on('SIGINT', () => {
    if (stop.signal.aborted) {
      process.stderr.write('\nStopped at once. Run the same command again to continue.\n');
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write(
      '\nStopping after the current batch; press Ctrl-C again to stop at once.\n',
    );
    stop.abort();
  });
}

process.exitCode = await main(process.argv.slice(2), process.env);
