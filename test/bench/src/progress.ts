// Without a terminal (CI, a log file) a line is written at most this often, instead of redrawn.
const PLAIN_INTERVAL_MS = 5_000;

/**
 * The progress line on stderr: redrawn in place on a terminal, otherwise written as a new line at
 * most every 5 s. The table and results go to stdout, so `npm run bench > table.txt` stays clean.
 */
export class Progress {
  private readonly interactive = process.stderr.isTTY === true;
  private readonly startedAt = performance.now();
  private lastPlainAt = 0;
  private lastText = '';
  private ticker: NodeJS.Timeout | undefined;

  /** Shows `text`, prefixed with the time since the run started. */
  update(text: string): void {
    this.lastText = text;
    const line = `[${this.elapsed()}] ${text}`;
    if (this.interactive) {
      process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      return;
    }
    if (performance.now() - this.lastPlainAt >= PLAIN_INTERVAL_MS) {
      this.lastPlainAt = performance.now();
      process.stderr.write(`${line}\n`);
    }
  }

  /** Writes `text` as a line of its own that stays, such as the end of a scenario. */
  log(text: string): void {
    const line = `[${this.elapsed()}] ${text}`;
    process.stderr.write(this.interactive ? `\r\x1b[K${line}\n` : `${line}\n`);
    this.lastPlainAt = 0;
  }

  /** Redraws `describe()` every second until `stopTicking`, so a long wait still shows movement. */
  tick(describe: () => string): void {
    this.stopTicking();
    this.update(describe());
    this.ticker = setInterval(() => this.update(describe()), 1_000);
  }

  stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Clears the line on a terminal before other output. */
  finish(): void {
    this.stopTicking();
    if (this.interactive && this.lastText !== '') {
      process.stderr.write('\r\x1b[K');
    }
  }

  private elapsed(): string {
    const seconds = Math.floor((performance.now() - this.startedAt) / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
}
