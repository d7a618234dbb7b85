import { DELIVERY_HEADERS, LASSO_VERSION } from '@lasso/contracts';
import { signPayload } from '@lasso/client/signature';

import type { AttemptTarget } from '@lasso/server';

/** Builds the headers of one attempt: the platform's own, the signature when a secret is set, and the custom auth header. */
export function buildDeliveryHeaders(
  target: AttemptTarget,
  attempt: { number: number; deliveryAttemptId: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': `Lasso-Webhooks/${LASSO_VERSION}`,
    [DELIVERY_HEADERS.event]: target.event,
    [DELIVERY_HEADERS.eventId]: target.eventId,
    [DELIVERY_HEADERS.deliveryId]: attempt.deliveryAttemptId,
    [DELIVERY_HEADERS.attempt]: String(attempt.number),
  };

  if (target.secret !== null) {
    headers[DELIVERY_HEADERS.signature] = signPayload(target.body, target.secret);
  }
  if (target.authHeader !== null) {
    headers[target.authHeader.name] = target.authHeader.value;
  }
  return headers;
}
