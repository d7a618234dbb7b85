import type { TestStack } from './test-stack.js';
import { waitFor } from './waits.js';

/** Creates a catalog webhook through the JSON API and returns its body; fails the test on any other status. */
export async function createCatalogWebhook(
  stack: TestStack,
  fields: Record<string, unknown>,
  apiKey?: string,
): Promise<any> {
  const response = await stack.request('POST', '/api/v1/catalog/webhooks', {
    body: fields,
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  if (response.status !== 201) {
    throw new Error(
      `creating a catalog webhook answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Publishes a catalog event through the JSON API and returns the stored event; fails the test on any other status. */
export async function publishEvent(
  stack: TestStack,
  body: Record<string, unknown>,
  apiKey?: string,
): Promise<any> {
  const response = await stack.request('POST', '/api/v1/events', {
    body,
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  if (response.status !== 202) {
    throw new Error(
      `publishing an event answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Lists up to 100 deliveries that match a query string such as `event_id=evt_...`. */
export async function listDeliveries(
  stack: TestStack,
  query: string,
  apiKey?: string,
): Promise<any[]> {
  const response = await stack.request('GET', `/api/v1/deliveries?limit=100&${query}`, {
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  if (response.status !== 200) {
    throw new Error(
      `listing deliveries answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body.data;
}

/** Waits until `count` deliveries of an event have all left `pending`, and returns them. */
export async function waitForFinishedDeliveries(
  stack: TestStack,
  options: { eventId: string; count: number; apiKey?: string },
): Promise<any[]> {
  const { eventId, count } = options;
  return waitFor(`${count} finished deliveries of ${eventId}`, async () => {
    const deliveries = await listDeliveries(stack, `event_id=${eventId}`, options.apiKey);
    const finished = deliveries.filter((delivery) => delivery.status !== 'pending');
    return deliveries.length === count && finished.length === count ? deliveries : undefined;
  });
}

/** Reads a delivery with its attempts through the JSON API. */
export async function getDeliveryWithAttempts(
  stack: TestStack,
  deliveryId: string,
  apiKey?: string,
): Promise<any> {
  const response = await stack.request('GET', `/api/v1/deliveries/${deliveryId}`, {
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  if (response.status !== 200) {
    throw new Error(
      `reading delivery ${deliveryId} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}
