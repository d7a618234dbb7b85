import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import {
  createLassoClient,
  errorCodeOf,
  fieldIssuesOf,
  parseWebhook,
  parseWebhookOf,
  type CatalogWebhook,
  type LassoClient,
  type PublishedEvent,
} from '@lasso/client';
import { fanOutWorkflowId } from '@lasso/contracts';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

const SECRET = 'whsec_typed_client_6e';

let stack: TestStack;
let receiver: RecordingReceiver;
let client: LassoClient;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
  client = createLassoClient({
    baseUrl: stack.baseUrl,
    apiKey: await stack.createApiKey('catalog-typed-client'),
  });
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

function receivedAt(path: string) {
  return waitFor(`a request to ${path}`, () =>
    receiver.requests.find((request) => request.path === path),
  );
}

describe('typed client for catalog webhooks', () => {
  it('manages subscriptions', async () => {
    const created = await client.catalogWebhooks.create({
      url: `${receiver.url}/typed/managed`,
      events: ['product.created'],
      secret: SECRET,
    });
    expectTypeOf(created).toEqualTypeOf<CatalogWebhook>();
    expect(created).toMatchObject({ secret_set: true, enabled: true, description: null });

    const updated = await client.catalogWebhooks.update({
      webhook_id: created.id,
      description: 'PIM mirror',
      enabled: false,
    });
    expect(updated).toMatchObject({ description: 'PIM mirror', enabled: false });
    expect(await client.catalogWebhooks.get({ webhook_id: created.id })).toEqual(updated);
    expect((await client.catalogWebhooks.list({})).data.map((webhook) => webhook.id)).toContain(
      created.id,
    );

    const deleted = await client.catalogWebhooks.delete({ webhook_id: created.id });
    expect(deleted.id).toBe(created.id);
    expect(
      errorCodeOf(
        await client.catalogWebhooks
          .get({ webhook_id: created.id })
          .catch((error: unknown) => error),
      ),
    ).toBe('not_found');
  });

  it('parseWebhook narrows published events', async () => {
    await client.catalogWebhooks.create({
      url: `${receiver.url}/typed/products`,
      events: ['product.updated'],
      secret: SECRET,
    });
    await client.catalogWebhooks.create({
      url: `${receiver.url}/typed/attributes`,
      events: ['attribute.updated'],
      secret: SECRET,
    });

    const productEvent = await client.events.publish({
      event: 'product.updated',
      data: {
        product_id: 'prod_11',
        product: { sku: 'SOFA-2', price: 899 },
        previous_attributes: { price: 949 },
      },
    });
    expectTypeOf(productEvent).toEqualTypeOf<PublishedEvent>();
    await client.events.publish({
      event: 'attribute.updated',
      data: { attribute_id: 'attr_size', attribute: { code: 'size', label: 'Size' } },
    });

    const productRequest = await receivedAt('/typed/products');
    const product = parseWebhook(productRequest.body, {
      headers: productRequest.headers,
      secret: SECRET,
    });
    if (product.event !== 'product.updated') {
      throw new Error(`expected product.updated, received ${product.event}`);
    }
    expectTypeOf(product.data.product_id).toEqualTypeOf<string>();
    expectTypeOf(product.data.previous_attributes).toEqualTypeOf<
      Record<string, unknown> | undefined
    >();
    expect(product.data).toEqual({
      product_id: 'prod_11',
      product: { sku: 'SOFA-2', price: 899 },
      previous_attributes: { price: 949 },
    });
    expect(product.timestamp).toBe(productEvent.created_at);

    const attributeRequest = await receivedAt('/typed/attributes');
    const attribute = parseWebhookOf('attribute.updated', attributeRequest.body, {
      headers: attributeRequest.headers,
      secret: SECRET,
    });
    expectTypeOf(attribute.data.attribute_id).toEqualTypeOf<string>();
    expectTypeOf(attribute.data.attribute).toEqualTypeOf<Record<string, unknown>>();
    expect(attribute.data).toEqual({
      attribute_id: 'attr_size',
      attribute: { code: 'size', label: 'Size' },
    });

    await stack.temporal.workflow.getHandle(fanOutWorkflowId(productEvent.id)).result();
    const deliveries = await client.deliveries.list({ event_id: productEvent.id });
    expect(deliveries.data).toHaveLength(1);
  });

  it('names the field of mismatched data', async () => {
    const error = await client.events
      // @ts-expect-error product data on an attribute event is a type error too
      .publish({ event: 'attribute.created', data: { product_id: 'prod_1', product: {} } })
      .catch((caught: unknown) => caught);

    expect(errorCodeOf(error)).toBe('invalid_request');
    expect(fieldIssuesOf(error).map((issue) => issue.field)).toEqual([
      'data.attribute_id',
      'data.attribute',
      'data.product_id',
      'data.product',
    ]);
  });
});
