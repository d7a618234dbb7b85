import { writeJson, type CommandContext } from './command-context.js';
import { formatDeliveryDetail } from './format-delivery.js';
import type { DeliveryIdCommand } from './parse-args.js';

/** Prints a delivery with its attempts and its Temporal Web UI link. */
export async function runShowCommand(
  context: CommandContext,
  command: DeliveryIdCommand,
): Promise<void> {
  const delivery = await context.client.deliveries.get({ delivery_id: command.deliveryId });

  if (command.json) {
    writeJson(context.stdout, delivery);
    return;
  }
  context.stdout.write(formatDeliveryDetail(delivery) + '\n');
}
