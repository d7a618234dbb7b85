import { WorkflowNotFoundError } from '@temporalio/common';

import type { ServiceDeps } from '../service-deps.js';

/**
 * Sends a signal to a delivery's workflow. Returns false when the workflow has already completed
 * or does not exist, which happens when a delivery finishes between the read and the signal.
 */
export async function signalDeliveryWorkflow(
  deps: ServiceDeps,
  workflowId: string,
  signal: string,
): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(signal);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return false;
    }
    throw error;
  }
}
