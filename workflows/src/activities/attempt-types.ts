import type { AttemptOutcome } from '@lasso/contracts';

/** Input of one delivery attempt. Ids and numbers only: the activity looks up the endpoint and its secrets. */
export interface AttemptDeliveryInput {
  deliveryId: string;
  /** 1 to 4. */
  attemptNumber: number;
  /** Sent as X-Lasso-Delivery-Id; made by the workflow so a retried activity reuses it. */
  deliveryAttemptId: string;
  /** Wait before the next attempt if this one fails, or null when this is the last attempt. */
  retryDelayMs: number | null;
}

/** What the workflow learns of an attempt; the full record is in the database. */
export interface AttemptDeliveryResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
}

/** The activities a delivery workflow calls. */
export interface DeliveryActivities {
  attemptDelivery(input: AttemptDeliveryInput): Promise<AttemptDeliveryResult>;
  markDeliveryCancelled(input: { deliveryId: string }): Promise<void>;
}
