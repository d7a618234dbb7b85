import { describe, expect, it } from 'vitest';

import { parseReceiverArgs, ReceiverArgsError } from './parse-args.js';

function argsErrorOf(argv: string[]): ReceiverArgsError {
  try {
    parseReceiverArgs(argv);
  } catch (error) {
    if (error instanceof ReceiverArgsError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a ReceiverArgsError for ${argv.join(' ')}`);
}

describe('parseReceiverArgs', () => {
  it('applies the defaults', () => {
    expect(parseReceiverArgs([])).toEqual({
      port: 4000,
      host: '127.0.0.1',
      secret: undefined,
      status: 200,
      hang: false,
      failFirst: 0,
      help: false,
    });
  });

  it('reads every option', () => {
    const args = parseReceiverArgs([
      '--port',
      '4100',
      '--host',
      '::1',
      '--secret',
      's3cret',
      '--status',
      '503',
      '--fail-first',
      '2',
    ]);

    expect(args).toEqual({
      port: 4100,
      host: '::1',
      secret: 's3cret',
      status: 503,
      hang: false,
      failFirst: 2,
      help: false,
    });
  });

  it('reads the --option=value form', () => {
    expect(parseReceiverArgs(['--port=0']).port).toBe(0);
  });

  it('reads --hang', () => {
    expect(parseReceiverArgs(['--hang']).hang).toBe(true);
  });

  it('reads --help before checking other values', () => {
    expect(parseReceiverArgs(['--help', '--port', 'abc']).help).toBe(true);
  });

  it('rejects an unknown option', () => {
    expect(argsErrorOf(['--verbose']).message).toContain('--verbose');
  });

  it('rejects a positional argument', () => {
    expect(argsErrorOf(['4000']).message).toContain('4000');
  });

  it('rejects an option without its value', () => {
    expect(argsErrorOf(['--port']).message).toContain('--port');
  });

  it('rejects a non-numeric port', () => {
    const error = argsErrorOf(['--port', 'abc']);

    expect(error.message).toBe('--port must be a whole number from 0 to 65535, received "abc"');
  });

  it('rejects ports outside 0 to 65535', () => {
    expect(argsErrorOf(['--port', '65536']).message).toMatch(/^--port /);
    expect(argsErrorOf(['--port=-1']).message).toMatch(/^--port /);
    expect(argsErrorOf(['--port', '80.5']).message).toMatch(/^--port /);
  });

  it('rejects statuses outside 100 to 599', () => {
    expect(argsErrorOf(['--status', '99']).message).toBe(
      '--status must be a whole number from 100 to 599, received 99',
    );
    expect(argsErrorOf(['--status', '600']).message).toMatch(/^--status /);
    expect(argsErrorOf(['--status', 'ok']).message).toMatch(/^--status /);
  });

  it('accepts the edges of the status range', () => {
    expect(parseReceiverArgs(['--status', '100']).status).toBe(100);
    expect(parseReceiverArgs(['--status', '599']).status).toBe(599);
  });

  it('rejects a negative --fail-first', () => {
    expect(argsErrorOf(['--fail-first=-3']).message).toMatch(/^--fail-first /);
  });

  it('rejects an empty secret', () => {
    expect(argsErrorOf(['--secret', '']).message).toBe('--secret must not be empty');
  });

  it('rejects --hang with --status', () => {
    expect(argsErrorOf(['--hang', '--status', '200']).message).toMatch(/--hang.*--status/);
  });

  it('rejects --hang with --fail-first', () => {
    expect(argsErrorOf(['--hang', '--fail-first', '1']).message).toMatch(/--hang.*--fail-first/);
  });

  it('rejects a value given to --hang', () => {
    expect(argsErrorOf(['--hang=yes']).message).toContain('--hang');
  });
});
