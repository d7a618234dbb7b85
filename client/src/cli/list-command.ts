import { MAX_PAGE_SIZE, type Delivery, type ListDeliveriesInput } from '@lasso/contracts';

import { writeJson, type CommandContext } from './command-context.js';
import { formatDeliveryTable } from './format-delivery.js';
import type { ListCommand } from './parse-args.js';

/** Prints one page of deliveries, or every page with --all, as a table or as JSON. */
export async function runListCommand(context: CommandContext, command: ListCommand): Promise<void> {
  const filters: ListDeliveriesInput = {
    table_id: command.tableId,
    webhook_id: command.webhookId,
    event: command.event,
    status: command.status,
    limit: command.limit ?? (command.all ? MAX_PAGE_SIZE : undefined),
  };

  let deliveries: Delivery[] = [];
  let nextCursor: string | null = null;
  do {
    const page = await context.client.deliveries.list({
      ...filters,
      cursor: nextCursor ?? undefined,
    });
    deliveries = deliveries.concat(page.data);
    nextCursor = page.next_cursor;
  } while (command.all && nextCursor !== null);

  if (command.json) {
    writeJson(context.stdout, { data: deliveries, next_cursor: nextCursor });
    return;
  }

  context.stdout.write(
    deliveries.length === 0 ? 'No deliveries found.\n' : formatDeliveryTable(deliveries) + '\n',
  );
  if (nextCursor !== null) {
    context.stderr.write(
      `More deliveries follow: pass --all to list every page, or a larger --limit (up to ${MAX_PAGE_SIZE}).\n`,
    );
  }
}
