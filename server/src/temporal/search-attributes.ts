import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';

import { DELIVERY_SEARCH_ATTRIBUTES } from '@lasso/contracts';

/** Typed keys of the delivery search attributes, for registration and for workflow starts. */
export const DELIVERY_SEARCH_ATTRIBUTE_KEYS = {
  workspace: defineSearchAttributeKey(DELIVERY_SEARCH_ATTRIBUTES.workspace, 'KEYWORD'),
  event: defineSearchAttributeKey(DELIVERY_SEARCH_ATTRIBUTES.event, 'KEYWORD'),
  tableId: defineSearchAttributeKey(DELIVERY_SEARCH_ATTRIBUTES.tableId, 'KEYWORD'),
  webhookId: defineSearchAttributeKey(DELIVERY_SEARCH_ATTRIBUTES.webhookId, 'KEYWORD'),
  status: defineSearchAttributeKey(DELIVERY_SEARCH_ATTRIBUTES.status, 'KEYWORD'),
};

/** Search attributes a delivery workflow starts with; the workflow updates the status as it goes. */
export function initialDeliverySearchAttributes(delivery: {
  workspace: string;
  event: string;
  tableId?: string | undefined;
  webhookId?: string | undefined;
}): SearchAttributePair[] {
  const keys = DELIVERY_SEARCH_ATTRIBUTE_KEYS;
  const pairs: SearchAttributePair[] = [
    { key: keys.workspace, value: delivery.workspace },
    { key: keys.event, value: delivery.event },
    { key: keys.status, value: 'pending' },
  ];
  if (delivery.tableId !== undefined) {
    pairs.push({ key: keys.tableId, value: delivery.tableId });
  }
  if (delivery.webhookId !== undefined) {
    pairs.push({ key: keys.webhookId, value: delivery.webhookId });
  }
  return pairs;
}
