import type { Delivery } from '@lasso/contracts';

import type { ServiceDeps } from '../service-deps.js';
import { workflowUiUrl } from '../temporal/connection-options.js';
import type { DeliveryRow } from './deliveries-store.js';

/** Shapes a stored delivery for the API, with the link to its workflow in the Temporal Web UI. */
export function toDelivery(
  row: DeliveryRow,
  deps: Pick<ServiceDeps, 'temporalUiUrl' | 'namespace'>,
): Delivery {
  return {
    id: row.id,
    event: row.event,
    event_id: row.event_id,
    table_id: row.table_id,
    webhook_id: row.webhook_id,
    url: row.url,
    status: row.status,
    attempt_count: row.attempt_count,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
    replay_of: row.replay_of,
    workflow_id: row.workflow_id,
    temporal_ui_url: workflowUiUrl({
      uiUrl: deps.temporalUiUrl,
      namespace: deps.namespace,
      workflowId: row.workflow_id,
    }),
  };
}
