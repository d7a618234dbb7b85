import { writeJson, type CommandContext } from './command-context.js';
import { formatDeliveryLine } from './format-delivery.js';
import type { DeliveryIdCommand } from './parse-args.js';

/**
 * Replays a delivery and prints the result in one line: the same delivery when it was pending,
 * else the new delivery linked to it by replay_of.
 */
export async function runReplayCommand(
  context: CommandContext,
  command: DeliveryIdCommand,
): Promise<void> {
  const delivery = await context.client.deliveries.replay({ delivery_id: command.deliveryId });

  if (command.json) {
    writeJson(context.stdout, delivery);
    return;
  }
  context.stdout.write(formatDeliveryLine(delivery) + '\n');
}
