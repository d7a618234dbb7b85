import type { TestStack } from './test-stack.js';

/** Creates a table through the JSON API and returns its body; fails the test on any other status. */
export async function createTable(
  stack: TestStack,
  fields: Record<string, unknown>,
  apiKey?: string,
): Promise<any> {
  const response = await stack.request('POST', '/api/v1/tables', {
    body: { schema_id: 'sch_invoices', name: 'Invoices March', file_ids: ['file_1'], ...fields },
    ...(apiKey !== undefined ? { apiKey } : {}),
  });
  if (response.status !== 201) {
    throw new Error(
      `creating a table answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Reads a delivery with its attempts through the JSON API. */
export async function getDelivery(stack: TestStack, deliveryId: string): Promise<any> {
  const response = await stack.request('GET', `/api/v1/deliveries/${deliveryId}`);
  if (response.status !== 200) {
    throw new Error(
      `reading delivery ${deliveryId} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Returns the only delivery of a table, waiting for it to appear. */
export async function onlyDeliveryOf(stack: TestStack, tableId: string): Promise<any> {
  const response = await stack.request('GET', `/api/v1/deliveries?table_id=${tableId}`);
  if (response.status !== 200 || response.body.data.length !== 1) {
    throw new Error(`expected one delivery of ${tableId}, got ${JSON.stringify(response.body)}`);
  }
  return response.body.data[0];
}
