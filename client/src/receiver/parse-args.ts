import { parseArgs } from 'node:util';

import {
  DEFAULT_RECEIVER_HOST,
  DEFAULT_RECEIVER_PORT,
  DEFAULT_RECEIVER_STATUS,
} from './start-receiver.js';

/** Settings of the receiver command line, with defaults applied. */
export interface ReceiverArgs {
  port: number;
  host: string;
  secret: string | undefined;
  status: number;
  hang: boolean;
  failFirst: number;
  help: boolean;
}

/** Error thrown for a command line the receiver cannot run with. Its message names the option. */
export class ReceiverArgsError extends Error {
  override readonly name = 'ReceiverArgsError';
}

/** Help text of the receiver command. */
export const RECEIVER_USAGE = `Usage: npm run receiver -- [options]

Starts a local HTTP endpoint that prints every webhook it receives.

Options:
  --port N          TCP port to listen on, 0 for any free port (default ${DEFAULT_RECEIVER_PORT})
  --host HOST       address to listen on (default ${DEFAULT_RECEIVER_HOST})
  --secret S        endpoint secret; each request's X-Lasso-Signature is checked against it
  --status CODE     HTTP status sent in reply to every request, 100 to 599 (default ${DEFAULT_RECEIVER_STATUS})
  --fail-first N    reply 500 to the first N requests, then --status (default 0)
  --hang            never reply and keep each connection open, so senders time out
  --help            print this help and exit
`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  secret: { type: 'string' },
  status: { type: 'string' },
  'fail-first': { type: 'string' },
  hang: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/**
 * Parses the receiver's command-line arguments (without the node and script paths) and throws a
 * `ReceiverArgsError` naming the option when one is unknown, lacks a value or is out of range.
 */
export function parseReceiverArgs(argv: readonly string[]): ReceiverArgs {
  const values = readOptions(argv);
  if (values.help) {
    return { ...defaultArgs(), help: true };
  }

  const port =
    parseInteger('--port', values.port, { min: 0, max: 65_535 }) ?? DEFAULT_RECEIVER_PORT;
  const status =
    parseInteger('--status', values.status, { min: 100, max: 599 }) ?? DEFAULT_RECEIVER_STATUS;
  const failFirst =
    parseInteger('--fail-first', values['fail-first'], { min: 0, max: Number.MAX_SAFE_INTEGER }) ??
    0;
  const host = parseNonEmpty('--host', values.host) ?? DEFAULT_RECEIVER_HOST;
  const secret = parseNonEmpty('--secret', values.secret);

  // A receiver that never replies has no status to send, so these options would be ignored silently.
  if (values.hang && values.status !== undefined) {
    throw new ReceiverArgsError(
      '--hang cannot be combined with --status: a hanging receiver never replies',
    );
  }
  if (values.hang && values['fail-first'] !== undefined) {
    throw new ReceiverArgsError(
      '--hang cannot be combined with --fail-first: a hanging receiver never replies',
    );
  }

  return { port, host, secret, status, hang: values.hang, failFirst, help: false };
}

function defaultArgs(): ReceiverArgs {
  return {
    port: DEFAULT_RECEIVER_PORT,
    host: DEFAULT_RECEIVER_HOST,
    secret: undefined,
    status: DEFAULT_RECEIVER_STATUS,
    hang: false,
    failFirst: 0,
    help: false,
  };
}

function readOptions(argv: readonly string[]) {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    // Errors with an ERR_PARSE_ARGS_ code name the bad argument, so their message is kept.
    // Any other error is a bug and propagates unchanged.
    if (error instanceof TypeError && isParseArgsErrorCode((error as NodeJS.ErrnoException).code)) {
      throw new ReceiverArgsError(error.message, { cause: error });
    }
    throw error;
  }
}

function isParseArgsErrorCode(code: string | undefined): boolean {
  return code !== undefined && code.startsWith('ERR_PARSE_ARGS_');
}

function parseInteger(
  option: string,
  raw: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (raw === undefined) {
    return undefined;
  }

  const expected = `a whole number from ${range.min} to ${range.max}`;
  if (!/^\d+$/.test(raw)) {
    throw new ReceiverArgsError(`${option} must be ${expected}, received ${JSON.stringify(raw)}`);
  }

  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new ReceiverArgsError(`${option} must be ${expected}, received ${raw}`);
  }

  return value;
}

function parseNonEmpty(option: string, raw: string | undefined): string | undefined {
  if (raw === undefined) {
    return undefined;
  }

  if (raw.length === 0) {
    throw new ReceiverArgsError(`${option} must not be empty`);
  }

  return raw;
}
