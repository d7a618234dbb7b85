import { parseArgs, type ParseArgsConfig } from 'node:util';

import {
  MAX_PAGE_SIZE,
  MAX_RECOVER_LIMIT,
  type DeliveryStatus,
  type EventName,
} from '@lasso/contracts';

import {
  OptionValueError,
  parseCatalogWebhookId,
  parseDeliveryId,
  parseEventName,
  parseSince,
  parseStatus,
  parseTableId,
  parseWholeNumber,
} from './parse-values.js';
import { COMMAND_USAGE, DEFAULT_RECOVER_BATCH, MAIN_USAGE, type CommandName } from './usage.js';

/** Error for a command line that cannot run. `usage` is the help text to print with it. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';

  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** Options every command accepts. */
export interface GlobalArgs {
  url: string | undefined;
  apiKey: string | undefined;
}

export interface ListCommand {
  name: 'list';
  json: boolean;
  tableId: string | undefined;
  webhookId: string | undefined;
  event: EventName | undefined;
  status: DeliveryStatus | undefined;
  limit: number | undefined;
  all: boolean;
}

export interface DeliveryIdCommand {
  name: 'show' | 'cancel' | 'replay';
  json: boolean;
  deliveryId: string;
}

export interface RecoverCommand {
  name: 'recover';
  /** Exactly one of `tableId` and `webhookId` is set. */
  tableId: string | undefined;
  webhookId: string | undefined;
  /** ISO 8601 time. A duration such as `6h` is already converted to one. */
  since: string;
  batch: number;
}

export type CliCommand = ListCommand | DeliveryIdCommand | RecoverCommand;

/** Result of parsing a command line: a help text to print, or a command to run. */
export type CliArgs =
  { kind: 'help'; usage: string } | { kind: 'run'; global: GlobalArgs; command: CliCommand };

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

const COMMAND_OPTIONS = {
  list: {
    table: { type: 'string' },
    webhook: { type: 'string' },
    event: { type: 'string' },
    status: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  show: { json: { type: 'boolean' } },
  cancel: { json: { type: 'boolean' } },
  replay: { json: { type: 'boolean' } },
  recover: {
    table: { type: 'string' },
    webhook: { type: 'string' },
    since: { type: 'string' },
    batch: { type: 'string' },
  },
} as const satisfies Record<CommandName, OptionSpecs>;

// Every option of every command, so the first pass reads option values as values, not as commands.
const ALL_OPTIONS: OptionSpecs = Object.values(COMMAND_OPTIONS).reduce<OptionSpecs>(
  (all, options) => ({ ...all, ...options }),
  { ...GLOBAL_OPTIONS },
);

/**
 * Parses `lasso` arguments (without the node and script paths). Throws a CliUsageError that names
 * the option or command when one is unknown, missing or invalid. `now` anchors `--since 6h`.
 */
export function parseCliArgs(argv: readonly string[], now: Date = new Date()): CliArgs {
  const { positionals, help } = findCommand(argv);
  const [group, commandName, ...operands] = positionals;

  if (group === undefined) {
    if (help) {
      return { kind: 'help', usage: MAIN_USAGE };
    }
    throw new CliUsageError('missing command', MAIN_USAGE);
  }
  if (group !== 'deliveries') {
    throw new CliUsageError(
      `unknown command "${group}": every command starts with "deliveries"`,
      MAIN_USAGE,
    );
  }
  if (commandName === undefined) {
    if (help) {
      return { kind: 'help', usage: MAIN_USAGE };
    }
    throw new CliUsageError('missing command after "deliveries"', MAIN_USAGE);
  }
  if (!isCommandName(commandName)) {
    throw new CliUsageError(`unknown command "deliveries ${commandName}"`, MAIN_USAGE);
  }

  const usage = COMMAND_USAGE[commandName];
  if (help) {
    return { kind: 'help', usage };
  }

  const values = readOptions(argv, { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[commandName] }, usage);
  const global = {
    url: nonEmpty(values, 'url', usage),
    apiKey: nonEmpty(values, 'api-key', usage),
  };
  try {
    return { kind: 'run', global, command: buildCommand(commandName, values, operands, now) };
  } catch (error) {
    if (error instanceof OptionValueError) {
      throw new CliUsageError(error.message, usage);
    }
    throw error;
  }
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_USAGE, name);
}

function findCommand(argv: readonly string[]): { positionals: string[]; help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: ALL_OPTIONS,
    strict: false,
    allowPositionals: true,
  });

  const unknown = Object.keys(values).find((name) => !Object.hasOwn(ALL_OPTIONS, name));
  if (unknown !== undefined) {
    throw new CliUsageError(`unknown option --${unknown}`, MAIN_USAGE);
  }
  return { positionals, help: values.help === true };
}

function readOptions(argv: readonly string[], options: OptionSpecs, usage: string): OptionValues {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }).values;
  } catch (error) {
    // node:util raises a TypeError with an ERR_PARSE_ARGS_ code that names the argument.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof TypeError && code?.startsWith('ERR_PARSE_ARGS_')) {
      throw new CliUsageError(error.message, usage);
    }
    throw error;
  }
}

function nonEmpty(values: OptionValues, name: string, usage: string): string | undefined {
  const value = values[name];
  if (typeof value !== 'string') {
    return undefined;
  }
  if (value.trim() === '') {
    throw new CliUsageError(`--${name} must not be empty`, usage);
  }
  return value;
}

function stringValue(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function buildCommand(
  name: CommandName,
  values: OptionValues,
  operands: string[],
  now: Date,
): CliCommand {
  switch (name) {
    case 'list':
      expectOperands(name, operands, 0);
      return buildListCommand(values);
    case 'show':
    case 'cancel':
    case 'replay':
      expectOperands(name, operands, 1);
      return {
        name,
        json: values.json === true,
        deliveryId: parseDeliveryId(operands[0] as string),
      };
    case 'recover':
      expectOperands(name, operands, 0);
      return buildRecoverCommand(values, now);
    default: {
      const unexpected: never = name;
      throw new Error(`no parser for command ${String(unexpected)}`);
    }
  }
}

function expectOperands(name: CommandName, operands: string[], count: 0 | 1): void {
  if (operands.length === count) {
    return;
  }
  if (count === 0) {
    throw new OptionValueError(
      `deliveries ${name} takes no arguments besides options, received "${operands.join(' ')}"`,
    );
  }
  if (operands.length === 0) {
    throw new OptionValueError(`deliveries ${name} needs a delivery id (dlv_...)`);
  }
  throw new OptionValueError(
    `deliveries ${name} takes one delivery id, received ${operands.length}: ${operands.join(' ')}`,
  );
}

function buildListCommand(values: OptionValues): ListCommand {
  const table = stringValue(values, 'table');
  const webhook = stringValue(values, 'webhook');
  const event = stringValue(values, 'event');
  const status = stringValue(values, 'status');
  const limit = stringValue(values, 'limit');

  return {
    name: 'list',
    json: values.json === true,
    tableId: table === undefined ? undefined : parseTableId('--table', table),
    webhookId: webhook === undefined ? undefined : parseCatalogWebhookId('--webhook', webhook),
    event: event === undefined ? undefined : parseEventName(event),
    status: status === undefined ? undefined : parseStatus(status),
    limit:
      limit === undefined
        ? undefined
        : parseWholeNumber('--limit', limit, { min: 1, max: MAX_PAGE_SIZE }),
    all: values.all === true,
  };
}

function buildRecoverCommand(values: OptionValues, now: Date): RecoverCommand {
  const table = stringValue(values, 'table');
  const webhook = stringValue(values, 'webhook');
  const since = stringValue(values, 'since');
  const batch = stringValue(values, 'batch');

  if (table === undefined && webhook === undefined) {
    throw new OptionValueError(
      '--table or --webhook is required: recover one table or one catalog webhook at a time',
    );
  }
  if (table !== undefined && webhook !== undefined) {
    throw new OptionValueError(
      '--table and --webhook cannot be combined: recover one table or one catalog webhook at a time',
    );
  }
  if (since === undefined) {
    throw new OptionValueError(
      '--since is required, such as --since 2025-03-12T14:30:00Z or --since 6h',
    );
  }

  return {
    name: 'recover',
    tableId: table === undefined ? undefined : parseTableId('--table', table),
    webhookId: webhook === undefined ? undefined : parseCatalogWebhookId('--webhook', webhook),
    since: parseSince(since, now),
    batch:
      batch === undefined
        ? DEFAULT_RECOVER_BATCH
        : parseWholeNumber('--batch', batch, { min: 1, max: MAX_RECOVER_LIMIT }),
  };
}
