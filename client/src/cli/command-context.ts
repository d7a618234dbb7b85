import type { LassoClient } from '../create-client.js';

/** A stream the CLI writes to; `isTTY` is true when it is a terminal. */
export interface CliOutput {
  write(text: string): void;
  isTTY: boolean;
}

/** Dependencies of every command: the API client and the two output streams. */
export interface CommandContext {
  client: LassoClient;
  stdout: CliOutput;
  stderr: CliOutput;
}

/** Prints a value as the API returned it, indented for reading. */
export function writeJson(output: CliOutput, value: unknown): void {
  output.write(JSON.stringify(value, null, 2) + '\n');
}
