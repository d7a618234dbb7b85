import { runCancelCommand } from './cancel-command.js';
import type { CommandContext } from './command-context.js';
import { runListCommand } from './list-command.js';
import type { CliCommand } from './parse-args.js';
import { runRecoverCommand, type RecoverOutcome } from './recover-command.js';
import { runReplayCommand } from './replay-command.js';
import { runShowCommand } from './show-command.js';

/** Runs one parsed command. Only `recover` can end as `stopped`. */
export async function runCommand(
  context: CommandContext,
  command: CliCommand,
  stopSignal: AbortSignal,
): Promise<RecoverOutcome> {
  switch (command.name) {
    case 'list':
      await runListCommand(context, command);
      return 'completed';
    case 'show':
      await runShowCommand(context, command);
      return 'completed';
    case 'cancel':
      await runCancelCommand(context, command);
      return 'completed';
    case 'replay':
      await runReplayCommand(context, command);
      return 'completed';
    case 'recover':
      return runRecoverCommand(context, command, stopSignal);
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
    }
  }
}
