import { describe, expect, it } from 'vitest';

import { CliUsageError, parseCliArgs, type CliArgs } from './parse-args.js';
import { COMMAND_USAGE, MAIN_USAGE } from './usage.js';

const DELIVERY_ID = 'dlv_01m91bjcfgryv340sj1rs9v3kr';
const TABLE_ID = 'tbl_01m91bjcfgryv340sj1rs9v3kr';
const WEBHOOK_ID = 'whk_01m91bjcfgryv340sj1rs9v3kr';
const NOW = new Date('2026-12-04T12:00:00.000Z');

function usageErrorOf(argv: string[]): CliUsageError {
  try {
    parseCliArgs(argv, NOW);
  } catch (error) {
    if (error instanceof CliUsageError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a CliUsageError for ${argv.join(' ')}`);
}

function commandOf(argv: string[]) {
  const args: CliArgs = parseCliArgs(argv, NOW);
  if (args.kind !== 'run') {
    throw new Error(`expected a command for ${argv.join(' ')}`);
  }
  return args;
}

describe('parseCliArgs help', () => {
  it('prints the main help for --help alone', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help', usage: MAIN_USAGE });
  });

  it('prints the main help for deliveries --help', () => {
    expect(parseCliArgs(['deliveries', '-h'])).toEqual({ kind: 'help', usage: MAIN_USAGE });
  });

  it("prints a command's help before checking its options", () => {
    expect(parseCliArgs(['deliveries', 'recover', '--help', '--batch', 'many'])).toEqual({
      kind: 'help',
      usage: COMMAND_USAGE.recover,
    });
  });
});

describe('parseCliArgs commands', () => {
  it('reads list with every filter', () => {
    const args = commandOf([
      'deliveries',
      'list',
      '--table',
      TABLE_ID,
      '--webhook',
      WEBHOOK_ID,
      '--event',
      'table.completed',
      '--status',
      'abandoned',
      '--limit',
      '50',
      '--all',
      '--json',
    ]);

    expect(args.command).toEqual({
      name: 'list',
      json: true,
      tableId: TABLE_ID,
      webhookId: WEBHOOK_ID,
      event: 'table.completed',
      status: 'abandoned',
      limit: 50,
      all: true,
    });
  });

  it('reads the global options before or after the command', () => {
    const before = commandOf([
      '--url',
      'http://127.0.0.1:4100',
      '--api-key',
      'lasso_k',
      'deliveries',
      'list',
    ]);
    const after = commandOf([
      'deliveries',
      'list',
      '--url=http://127.0.0.1:4100',
      '--api-key=lasso_k',
    ]);

    expect(before.global).toEqual({ url: 'http://127.0.0.1:4100', apiKey: 'lasso_k' });
    expect(after.global).toEqual(before.global);
  });

  it.each(['show', 'cancel', 'replay'] as const)('reads %s with a delivery id', (name) => {
    expect(commandOf(['deliveries', name, DELIVERY_ID]).command).toEqual({
      name,
      json: false,
      deliveryId: DELIVERY_ID,
    });
  });

  it('reads recover with a table, an ISO time and a batch size', () => {
    const args = commandOf([
      'deliveries',
      'recover',
      '--table',
      TABLE_ID,
      '--since',
      '2026-12-01T00:00:00+01:00',
      '--batch',
      '100',
    ]);

    expect(args.command).toEqual({
      name: 'recover',
      tableId: TABLE_ID,
      webhookId: undefined,
      since: '2026-12-01T00:00:00+01:00',
      batch: 100,
    });
  });

  it('turns a --since duration into a time before now', () => {
    const minutes = commandOf([
      'deliveries',
      'recover',
      '--webhook',
      WEBHOOK_ID,
      '--since',
      '30m',
    ]).command;
    const days = commandOf([
      'deliveries',
      'recover',
      '--webhook',
      WEBHOOK_ID,
      '--since',
      '2d',
    ]).command;

    expect(minutes).toMatchObject({ since: '2026-12-04T11:30:00.000Z', batch: 25 });
    expect(days).toMatchObject({ since: '2026-12-02T12:00:00.000Z' });
  });
});

describe('parseCliArgs usage errors', () => {
  it('rejects an empty command line', () => {
    const error = usageErrorOf([]);

    expect(error.message).toBe('missing command');
    expect(error.usage).toBe(MAIN_USAGE);
  });

  it('rejects an unknown command group', () => {
    expect(usageErrorOf(['tables', 'list']).message).toContain('"tables"');
  });

  it('rejects an unknown deliveries command', () => {
    expect(usageErrorOf(['deliveries', 'retry']).message).toBe(
      'unknown command "deliveries retry"',
    );
  });

  it('rejects an unknown option', () => {
    expect(usageErrorOf(['deliveries', 'list', '--verbose']).message).toBe(
      'unknown option --verbose',
    );
  });

  it("rejects another command's option with that command's usage", () => {
    const error = usageErrorOf(['deliveries', 'list', '--since', '1h']);

    expect(error.message).toContain('--since');
    expect(error.usage).toBe(COMMAND_USAGE.list);
  });

  it('rejects show without a delivery id', () => {
    expect(usageErrorOf(['deliveries', 'show']).message).toBe(
      'deliveries show needs a delivery id (dlv_...)',
    );
  });

  it('rejects cancel with two delivery ids', () => {
    expect(usageErrorOf(['deliveries', 'cancel', DELIVERY_ID, DELIVERY_ID]).message).toContain(
      'takes one delivery id, received 2',
    );
  });

  it('rejects a malformed delivery id', () => {
    expect(usageErrorOf(['deliveries', 'replay', 'dlv_1']).message).toBe(
      'the delivery id must be an id of the form dlv_<26 characters>, received "dlv_1"',
    );
  });

  it('rejects an unknown status', () => {
    expect(usageErrorOf(['deliveries', 'list', '--status', 'failed']).message).toMatch(
      /^--status must be one of pending/,
    );
  });

  it('rejects a --limit above a page', () => {
    expect(usageErrorOf(['deliveries', 'list', '--limit', '101']).message).toBe(
      '--limit must be a whole number from 1 to 100, received "101"',
    );
  });

  it('rejects recover without a table or webhook', () => {
    expect(usageErrorOf(['deliveries', 'recover', '--since', '1h']).message).toMatch(
      /^--table or --webhook is required/,
    );
  });

  it('rejects recover with both a table and a webhook', () => {
    const error = usageErrorOf([
      'deliveries',
      'recover',
      '--table',
      TABLE_ID,
      '--webhook',
      WEBHOOK_ID,
      '--since',
      '1h',
    ]);

    expect(error.message).toMatch(/^--table and --webhook cannot be combined/);
  });

  it('rejects recover without --since', () => {
    expect(usageErrorOf(['deliveries', 'recover', '--table', TABLE_ID]).message).toMatch(
      /^--since is required/,
    );
  });

  it('rejects a --since without a time zone', () => {
    const error = usageErrorOf([
      'deliveries',
      'recover',
      '--table',
      TABLE_ID,
      '--since',
      '2026-12-01T00:00:00',
    ]);

    expect(error.message).toMatch(/^--since must be an ISO 8601 time/);
    expect(error.usage).toBe(COMMAND_USAGE.recover);
  });

  it('rejects a --batch of 0 and above 500', () => {
    const recover = ['deliveries', 'recover', '--table', TABLE_ID, '--since', '1h', '--batch'];

    expect(usageErrorOf([...recover, '0']).message).toBe(
      '--batch must be a whole number from 1 to 500, received "0"',
    );
    expect(usageErrorOf([...recover, '501']).message).toMatch(/^--batch /);
  });

  it('rejects an option without its value', () => {
    expect(usageErrorOf(['deliveries', 'list', '--table']).message).toContain('--table');
  });

  it('rejects an empty --api-key', () => {
    expect(usageErrorOf(['deliveries', 'list', '--api-key', '']).message).toBe(
      '--api-key must not be empty',
    );
  });
});
