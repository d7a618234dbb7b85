import { createHash } from 'node:crypto';

import { newId } from '@lasso/contracts';

/**
 * Derives the id of the delivery of one event to one subscription, so every retry of a fan-out
 * page arrives at the same id and the same workflow id. The first 10 characters are the event's
 * time, as in `newId`, so lists still sort by time. The other 16 come from a SHA-256 of the two ids.
 */
export function fanOutDeliveryId(options: {
  eventId: string;
  webhookId: string;
  eventTime: Date;
}): string {
  const digest = createHash('sha256')
    .update(`${options.eventId}/${options.webhookId}`, 'utf8')
    .digest();

  // newId picks each character as floor(random() * 32), so a byte / 256 uses its top 5 bits.
  let index = 0;
  return newId('delivery', options.eventTime.getTime(), () => (digest[index++] as number) / 256);
}
