import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

import { DELIVERY_WORKFLOW } from '@lasso/contracts';
import { recordAttempt, type AttemptTarget, type Database } from '@lasso/server';

import type { AttemptDeliveryInput, AttemptDeliveryResult } from './attempt-types.js';

/**
 * Records an attempt to a deleted catalog webhook as `blocked` without sending anything, and sends
 * the delivery's own workflow the cancel signal so that it makes no further attempt. Deleting a
 * webhook signals its pending deliveries itself. This covers the deliveries that signal missed: one
 * started by a fan-out that raced the delete, or a signal lost while Temporal was unreachable.
 */
export async function blockAttemptToDeletedWebhook(
  deps: { db: Database; temporal?: Client | undefined },
  input: AttemptDeliveryInput,
  target: AttemptTarget,
): Promise<AttemptDeliveryResult> {
  const context = Context.current();

  await recordAttempt(deps.db, {
    deliveryId: input.deliveryId,
    number: input.attemptNumber,
    deliveryAttemptId: input.deliveryAttemptId,
    url: target.url,
    startedAt: new Date(),
    durationMs: 0,
    statusCode: null,
    outcome: 'blocked',
    error: 'the catalog webhook was deleted; nothing was sent',
    responseBody: null,
    retryDelayMs: input.retryDelayMs,
  });

  const workflowId = context.info.workflowExecution?.workflowId;
  if (deps.temporal !== undefined && workflowId !== undefined) {
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(DELIVERY_WORKFLOW.cancelSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) {
        throw error;
      }
    }
  }

  context.log.info('delivery attempt blocked: catalog webhook deleted', {
    deliveryId: input.deliveryId,
    attempt: input.attemptNumber,
  });
  return { outcome: 'blocked', statusCode: null, durationMs: 0 };
}
