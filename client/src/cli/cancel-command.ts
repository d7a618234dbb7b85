import { writeJson, type CommandContext } from './command-context.js';
import { formatDeliveryLine } from './format-delivery.js';
import type { DeliveryIdCommand } from './parse-args.js';

/** Cancels a pending delivery and prints it in one line. */
export async function runCancelCommand(
  context: CommandContext,
  command: DeliveryIdCommand,
): Promise<void> {
  const delivery = await context.client.deliveries.cancel({ delivery_id: command.deliveryId });

  if (command.json) {
    writeJson(context.stdout, delivery);
    return;
  }
  context.stdout.write(formatDeliveryLine(delivery) + '\n');
}
