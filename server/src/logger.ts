/** Attributes of a log line: ids, names, durations. Never a secret or an auth header value. */
export type LogAttributes = Record<string, unknown>;

export interface Logger {
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

/** Writes one JSON object per line: time, level, message and attributes. */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const log = (level: string, message: string, attributes: LogAttributes = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...attributes }));
  };
  return {
    info: (message, attributes) => log('info', message, attributes),
    warn: (message, attributes) => log('warn', message, attributes),
    error: (message, attributes) => log('error', message, attributes),
  };
}

/** A logger that drops every line, for tests that assert on other output. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
