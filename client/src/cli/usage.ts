import { MAX_PAGE_SIZE, MAX_RECOVER_LIMIT } from '@lasso/contracts';

/** Base URL used when neither --url nor LASSO_URL is set. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** Replays per `deliveries.recover` call when --batch is not given. */
export const DEFAULT_RECOVER_BATCH = 25;

const GLOBAL_OPTIONS = `Global options:
  --url URL        base URL of the Lasso API (default: LASSO_URL, else ${DEFAULT_API_URL})
  --api-key KEY    API key of the workspace (default: LASSO_API_KEY); required
  --help           print help and exit`;

/** Help text of `lasso` itself. */
export const MAIN_USAGE = `Usage: lasso deliveries <command> [options]

Inspects and repairs webhook deliveries through the Lasso API.

Commands:
  deliveries list      list deliveries, newest first
  deliveries show      show one delivery with its attempts
  deliveries cancel    stop a pending delivery
  deliveries replay    send a delivery again
  deliveries recover   replay every abandoned delivery of a table or catalog webhook

${GLOBAL_OPTIONS}

Run \`lasso deliveries <command> --help\` for the options of one command.
`;

/** Help text of each `lasso deliveries` command. */
export const COMMAND_USAGE = {
  list: `Usage: lasso deliveries list [--table ID] [--webhook ID] [--event NAME] [--status STATUS] [--limit N] [--all] [--json]

Lists deliveries, newest first, as a table.

Options:
  --table ID        only deliveries of this table (tbl_...)
  --webhook ID      only deliveries of this catalog webhook (whk_...)
  --event NAME      only this event, such as table.completed
  --status STATUS   only pending, succeeded, abandoned or cancelled deliveries
  --limit N         deliveries per page, 1 to ${MAX_PAGE_SIZE} (default 20, or ${MAX_PAGE_SIZE} with --all)
  --all             read every page, not only the first
  --json            print the API's JSON instead of the table

${GLOBAL_OPTIONS}
`,
  show: `Usage: lasso deliveries show DELIVERY_ID [--json]

Shows one delivery, each of its attempts and the link to its workflow in the Temporal Web UI.

Options:
  --json            print the API's JSON instead of text

${GLOBAL_OPTIONS}
`,
  cancel: `Usage: lasso deliveries cancel DELIVERY_ID [--json]

Stops a pending delivery: no further attempt is made and its status becomes cancelled.

Options:
  --json            print the API's JSON instead of one line

${GLOBAL_OPTIONS}
`,
  replay: `Usage: lasso deliveries replay DELIVERY_ID [--json]

Sends a delivery again. A pending delivery makes its next attempt now. A finished one gets a new
delivery of the same body to the same endpoint, linked to it by replay_of; that one is printed.

Options:
  --json            print the API's JSON instead of one line

${GLOBAL_OPTIONS}
`,
  recover: `Usage: lasso deliveries recover (--table ID | --webhook ID) --since TIME [--batch N]

Replays every abandoned delivery of one table or one catalog webhook created at or after TIME,
in batches, until none is left. A delivery that already has a replay is skipped, so running the
command again after an interruption continues where it stopped. Ctrl-C stops after the current
batch; a second Ctrl-C stops at once.

Options:
  --table ID        recover the deliveries of this table (tbl_...)
  --webhook ID      recover the deliveries of this catalog webhook (whk_...)
  --since TIME      ISO 8601 time with Z or an offset, such as 2025-03-12T14:30:00Z, or a
                    duration before now: 30m, 6h or 2d
  --batch N         replays started per API call, 1 to ${MAX_RECOVER_LIMIT} (default ${DEFAULT_RECOVER_BATCH})

${GLOBAL_OPTIONS}
`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;
