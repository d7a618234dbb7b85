const BAR_WIDTH = 30;

/** Draws progress as a bar and a count, such as `[#######-----------------------]  12/50 replays started`. */
export function formatProgressBar(done: number, total: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]  ${done}/${total} replays started`;
}

/** Describes one finished batch of a recovery in one line, for output that is not a terminal. */
export function formatBatchLine(options: {
  batch: number;
  startedInBatch: number;
  started: number;
  total: number;
  remaining: number;
}): string {
  return (
    `batch ${options.batch}: started ${options.startedInBatch}, ` +
    `${options.started}/${options.total} replays started, ${options.remaining} remaining`
  );
}
