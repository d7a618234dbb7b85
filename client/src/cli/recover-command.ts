import type { RecoverDeliveriesResult } from '@lasso/contracts';

import type { CommandContext } from './command-context.js';
import { formatBatchLine, formatProgressBar } from './format-progress.js';
import type { RecoverCommand } from './parse-args.js';

// Moves to the start of the line and clears it (ANSI CSI K), so the bar redraws in place.
const REDRAW_LINE = '\r\u001b[K';

/** End state of a recovery: `completed` once every abandoned delivery has a replay, `stopped` after Ctrl-C. */
export type RecoverOutcome = 'completed' | 'stopped';

/**
 * Calls `deliveries.recover` with `limit` = the batch size until no abandoned delivery in scope
 * lacks a replay, showing progress. When `stopSignal` aborts, it stops after the current batch.
 * Throws when a call fails, or when the API starts nothing while deliveries remain.
 */
export async function runRecoverCommand(
  context: CommandContext,
  command: RecoverCommand,
  stopSignal: AbortSignal,
): Promise<RecoverOutcome> {
  const scope =
    command.tableId !== undefined
      ? { table_id: command.tableId }
      : { webhook_id: command.webhookId };
  const scopeName =
    command.tableId !== undefined
      ? `table ${command.tableId}`
      : `catalog webhook ${command.webhookId}`;
  const progress = createProgressReporter(context);

  let total: number | undefined;
  let alreadyReplayed = 0;
  let started = 0;
  let result: RecoverDeliveriesResult;
  let batch = 0;
  do {
    try {
      result = await context.client.deliveries.recover({
        ...scope,
        since: command.since,
        limit: command.batch,
      });
    } catch (error) {
      progress.end();
      if (started > 0) {
        context.stderr.write(
          `Started ${started} of ${total ?? started} replays before the error. ` +
            'Run the same command again to continue where it stopped.\n',
        );
      }
      throw error;
    }
    batch++;

    // The first result fixes the total. It grows only if more deliveries are abandoned meanwhile.
    if (total === undefined) {
      alreadyReplayed = result.skipped;
    }
    started += result.started;
    total = Math.max(total ?? 0, started + result.remaining);
    if (total > 0) {
      progress.update({
        batch,
        startedInBatch: result.started,
        started,
        total,
        remaining: result.remaining,
      });
    }

    if (result.remaining > 0 && result.started === 0) {
      progress.end();
      throw new Error(
        `the API started no replay although ${result.remaining} abandoned deliveries remain. Run the command again.`,
      );
    }
    if (result.remaining > 0 && stopSignal.aborted) {
      progress.end();
      context.stdout.write(
        `Stopped after ${started} of ${total} replays. Run the same command again to continue where it stopped: ` +
          'deliveries that already have a replay are skipped, so none is replayed twice.\n',
      );
      return 'stopped';
    }
  } while (result.remaining > 0);

  progress.end();
  context.stdout.write(
    describeCompletion({ scopeName, since: command.since, started, total, alreadyReplayed }) + '\n',
  );
  return 'completed';
}

function describeCompletion(options: {
  scopeName: string;
  since: string;
  started: number;
  total: number;
  alreadyReplayed: number;
}): string {
  const skipped =
    options.alreadyReplayed > 0
      ? ` ${countOf(options.alreadyReplayed, 'delivery', 'deliveries')} already had a replay and ` +
        `${options.alreadyReplayed === 1 ? 'was' : 'were'} skipped.`
      : '';
  if (options.total === 0) {
    return `Nothing to recover: no abandoned delivery of ${options.scopeName} created since ${options.since} lacks a replay.${skipped}`;
  }

  let text =
    `Recovered ${options.scopeName}: started ${countOf(options.started, 'replay', 'replays')} ` +
    `of abandoned deliveries created since ${options.since}.`;
  const replayedElsewhere = options.total - options.started;
  if (replayedElsewhere > 0) {
    text += ` ${countOf(replayedElsewhere, 'delivery', 'deliveries')} got a replay from another caller meanwhile.`;
  }
  return text + skipped;
}

function countOf(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

interface ProgressReporter {
  update(state: {
    batch: number;
    startedInBatch: number;
    started: number;
    total: number;
    remaining: number;
  }): void;
  /** Finishes the bar's line, so the next output starts on a line of its own. */
  end(): void;
}

// A terminal gets one bar redrawn in place, and a pipe or file gets one line per batch.
function createProgressReporter(context: CommandContext): ProgressReporter {
  if (!context.stdout.isTTY) {
    return {
      update: (state) => context.stdout.write(formatBatchLine(state) + '\n'),
      end: () => {},
    };
  }

  let drawn = false;
  return {
    update: (state) => {
      context.stdout.write(REDRAW_LINE + formatProgressBar(state.started, state.total));
      drawn = true;
    },
    end: () => {
      if (drawn) {
        context.stdout.write('\n');
        drawn = false;
      }
    },
  };
}
