import { DELIVERY_WORKFLOW, RETRY_DELAYS_MS } from '@lasso/contracts';

import { createCatalogWebhook, listDeliveries, publishEvent } from './catalog.js';
import { timerDurationsSeconds } from './history.js';
import { createTable, getDelivery } from './tables.js';
import type { TestStack } from './test-stack.js';
import { waitFor } from './waits.js';

/**
 * Walks a failing delivery through its retry schedule without waiting it out: once each retry
 * timer is in the workflow history, the replay signal makes the next attempt now. Returns the
 * delivery once the 4th failure has abandoned it.
 */
export async function walkToAbandoned(
  stack: TestStack,
  delivery: { id: string; workflow_id: string },
): Promise<any> {
  const handle = stack.temporal.workflow.getHandle(delivery.workflow_id);

  for (let timer = 1; timer <= RETRY_DELAYS_MS.length; timer++) {
    // A signal sent while an attempt runs is spent by that attempt, so wait for the timer first.
    await waitFor(
      `retry timer ${timer} of ${delivery.id}`,
      async () =>
        (await timersOf(stack, delivery.workflow_id)).length >= timer ? true : undefined,
      { intervalMs: 50 },
    );
    await handle.signal(DELIVERY_WORKFLOW.replaySignal);
  }

  return waitFor(
    `${delivery.id} to be abandoned`,
    async () => {
      const current = await getDelivery(stack, delivery.id);
      return current.status === 'abandoned' ? current : undefined;
    },
    { intervalMs: 50 },
  );
}

// gRPC status NOT_FOUND, which fetchHistory raises for a workflow that has not started yet.
const GRPC_NOT_FOUND = 5;

// With PGlite, a delivery row can be listed before the transaction that starts its workflow commits.
async function timersOf(stack: TestStack, workflowId: string): Promise<number[]> {
  try {
    return await timerDurationsSeconds(stack.temporal, workflowId);
  } catch (error) {
    if ((error as { code?: unknown }).code === GRPC_NOT_FOUND) {
      return [];
    }
    throw error;
  }
}

/**
 * Makes `count` abandoned deliveries of one table whose webhook goes to the failing `url`. A table
 * fires one event, so the first delivery is abandoned and then replayed `count - 1` times, each
 * replay abandoned before the next starts. Only the replays lack a replay of their own.
 */
export async function abandonTableDeliveries(
  stack: TestStack,
  options: { url: string; count: number },
): Promise<{ table: any; deliveries: any[] }> {
  const table = await createTable(stack, { webhook_url: options.url });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });
  const first = await waitFor('the table delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });

  const deliveries = [await walkToAbandoned(stack, first)];
  while (deliveries.length < options.count) {
    const replay = await stack.request('POST', `/api/v1/deliveries/${first.id}/replay`);
    if (replay.status !== 200) {
      throw new Error(
        `replaying ${first.id} returned ${replay.status}: ${JSON.stringify(replay.body)}`,
      );
    }
    deliveries.push(await walkToAbandoned(stack, replay.body));
  }
  return { table, deliveries };
}

/**
 * Makes `count` abandoned deliveries of one new catalog webhook whose URL is the failing `url`:
 * publishes `count` product.updated events and walks every delivery to abandoned in parallel.
 */
export async function abandonWebhookDeliveries(
  stack: TestStack,
  options: { url: string; count: number },
): Promise<{ webhook: any; events: any[]; deliveries: any[] }> {
  const webhook = await createCatalogWebhook(stack, {
    url: options.url,
    events: ['product.updated'],
  });
  const events = await Promise.all(
    Array.from({ length: options.count }, (_, index) =>
      publishEvent(stack, {
        event: 'product.updated',
        data: {
          product_id: `prod_${index}`,
          product: { sku: `SKU-${index}`, name: `Product ${index}` },
        },
      }),
    ),
  );

  const started = await waitFor(`${options.count} deliveries of ${webhook.id}`, async () => {
    const deliveries = await listDeliveries(stack, `webhook_id=${webhook.id}`);
    return deliveries.length === options.count ? deliveries : undefined;
  });
  const deliveries = await Promise.all(started.map((delivery) => walkToAbandoned(stack, delivery)));
  return { webhook, events, deliveries };
}
