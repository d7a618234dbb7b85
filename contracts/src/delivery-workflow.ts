/**
 * Waits between attempts, in milliseconds: after the 1st, 2nd and 3rd failed attempt. Exact, with
 * no jitter; the 4th failure abandons the delivery.
 */
export const RETRY_DELAYS_MS = [30_000, 300_000, 1_800_000] as const;

/** Attempts a delivery makes before it is abandoned. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Time an endpoint has to answer with a status line and headers. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** Bytes of a response body that are read before the rest is dropped. */
export const MAX_RESPONSE_BODY_READ_BYTES = 64 * 1024;

/** Bytes of a response body kept on the attempt record. */
export const MAX_RESPONSE_BODY_STORED_BYTES = 1024;

export const DEFAULT_TASK_QUEUE = 'lasso-deliveries';

/** Names the API uses to start and signal delivery workflows, shared with the workflow code. */
export const DELIVERY_WORKFLOW = {
  type: 'deliveryWorkflow',
  cancelSignal: 'cancel',
  replaySignal: 'replay',
  stateQuery: 'state',
} as const;

/** Workflow id of a delivery: readable, and unique because the delivery id is. */
export function deliveryWorkflowId(deliveryId: string): string {
  return `delivery-${deliveryId}`;
}

/** Input of a delivery workflow. It names the delivery only: secrets are looked up by activities. */
export interface DeliveryWorkflowInput {
  deliveryId: string;
}

/** Live state of a running delivery workflow, returned by its state query. */
export interface DeliveryWorkflowState {
  deliveryId: string;
  status: 'pending' | 'succeeded' | 'abandoned' | 'cancelled';
  attemptsMade: number;
  nextAttemptAt: string | null;
}

/** Version sent in the User-Agent header as `Lasso-Webhooks/<version>`. */
export const LASSO_VERSION = '0.1.0';

/**
 * Search attributes of delivery workflows, all of type Keyword, so `temporal workflow list --query`
 * and the Web UI find deliveries by workspace, event, table, webhook or status.
 */
export const DELIVERY_SEARCH_ATTRIBUTES = {
  workspace: 'LassoWorkspace',
  event: 'LassoEventType',
  tableId: 'LassoTableId',
  webhookId: 'LassoWebhookId',
  status: 'LassoDeliveryStatus',
} as const;
