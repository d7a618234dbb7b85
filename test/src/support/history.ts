import type { Client } from '@temporalio/client';

/** Durations, in seconds, of every timer a workflow has started, in order. */
export async function timerDurationsSeconds(
  temporal: Client,
  workflowId: string,
): Promise<number[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.timerStartedEventAttributes?.startToFireTimeout)
    .filter((timeout) => timeout !== undefined && timeout !== null)
    .map((timeout) => Number(timeout.seconds ?? 0) + (timeout.nanos ?? 0) / 1e9);
}
