import { formatReceivedRequest, formatStartMessage } from './format.js';
import {
  parseReceiverArgs,
  RECEIVER_USAGE,
  ReceiverArgsError,
  type ReceiverArgs,
} from './parse-args.js';
import { startReceiver, type RunningReceiver } from './start-receiver.js';

// Exit code for invalid usage, as Bash builtins and GNU tools use it.
const USAGE_EXIT_CODE = 2;

async function main(argv: readonly string[]): Promise<void> {
  let args: ReceiverArgs;
  try {
    args = parseReceiverArgs(argv);
  } catch (error) {
    if (error instanceof ReceiverArgsError) {
      process.stderr.write(`receiver: ${error.message}\nRun with --help to list the options.\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    throw error;
  }

  if (args.help) {
    process.stdout.write(RECEIVER_USAGE);
    return;
  }

  let receiver: RunningReceiver;
  try {
    receiver = await startReceiver({
      port: args.port,
      host: args.host,
      secret: args.secret,
      status: args.status,
      hang: args.hang,
      failFirst: args.failFirst,
      onRequest: (request) => process.stdout.write(formatReceivedRequest(request) + '\n'),
      onError: (error) => process.stderr.write(`receiver: ${error.message}\n`),
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `receiver: failed to listen on ${args.host} port ${args.port}: ${detail}\n` +
        'Choose another --port or --host.\n',
    );
    process.exitCode = 1;
    return;
  }

  process.stdout.write(formatStartMessage(receiver.url, args) + '\n');
  stopOnSignal(receiver);
}

function stopOnSignal(receiver: RunningReceiver): void {
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`Received ${signal}; stopping the receiver.\n`);
    receiver.close().then(
      () => process.stdout.write('Receiver stopped.\n'),
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        process.stderr.write(`receiver: failed to stop cleanly: ${detail}\n`);
        process.exitCode = 1;
      },
    );
  };

  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main(process.argv.slice(2));
