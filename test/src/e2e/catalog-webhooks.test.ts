import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCatalogWebhook, listDeliveries } from '../support/catalog.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const SECRET = 'whsec_catalog_9c2e41';
const AUTH_HEADER_VALUE = 'Bearer partner-token-5d1a';

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

describe('catalog webhook subscriptions', () => {
  it('creates, updates and deletes a subscription', async () => {
    const created = await createCatalogWebhook(stack, {
      url: `${receiver.url}/crud`,
      events: ['product.created', 'attribute.deleted'],
      secret: SECRET,
      auth_header_name: 'X-Partner-Token',
      auth_header_value: AUTH_HEADER_VALUE,
      description: 'ERP sync',
    });
    expect(created).toMatchObject({
      url: `${receiver.url}/crud`,
      events: ['product.created', 'attribute.deleted'],
      secret_set: true,
      auth_header_name: 'X-Partner-Token',
      auth_header_value_set: true,
      description: 'ERP sync',
      enabled: true,
    });
    expect(created.id).toMatch(/^whk_[0-9a-z]{26}$/);

    const read = await stack.request('GET', `/api/v1/catalog/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);

    const listed = await stack.request('GET', '/api/v1/catalog/webhooks?limit=100');
    expect(listed.body.data.map((webhook: any) => webhook.id)).toContain(created.id);

    const updated = await stack.request('PATCH', `/api/v1/catalog/webhooks/${created.id}`, {
      body: {
        url: `${receiver.url}/crud-2`,
        events: ['product.updated'],
        enabled: false,
        description: null,
        secret: null,
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      url: `${receiver.url}/crud-2`,
      events: ['product.updated'],
      enabled: false,
      description: null,
      secret_set: false,
      auth_header_name: 'X-Partner-Token',
      auth_header_value_set: true,
    });
    expect(Date.parse(updated.body.updated_at)).toBeGreaterThanOrEqual(
      Date.parse(created.updated_at),
    );

    const removedHeader = await stack.request('PATCH', `/api/v1/catalog/webhooks/${created.id}`, {
      body: { auth_header_name: null, auth_header_value: null },
    });
    expect(removedHeader.body).toMatchObject({
      auth_header_name: null,
      auth_header_value_set: false,
    });

    const deleted = await stack.request('DELETE', `/api/v1/catalog/webhooks/${created.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: created.id, cancelled_deliveries: 0 });
    expect(deleted.body.deleted_at).toEqual(expect.any(String));

    expect((await stack.request('GET', `/api/v1/catalog/webhooks/${created.id}`)).status).toBe(404);
    expect(
      (
        await stack.request('PATCH', `/api/v1/catalog/webhooks/${created.id}`, {
          body: { enabled: true },
        })
      ).status,
    ).toBe(404);
    expect((await stack.request('DELETE', `/api/v1/catalog/webhooks/${created.id}`)).status).toBe(
      404,
    );
    const afterDelete = await stack.request('GET', '/api/v1/catalog/webhooks?limit=100');
    expect(afterDelete.body.data.map((webhook: any) => webhook.id)).not.toContain(created.id);
  });

  it('never returns the secret or the auth header value', async () => {
    const created = await createCatalogWebhook(stack, {
      url: `${receiver.url}/write-only`,
      events: ['product.deleted'],
      secret: SECRET,
      auth_header_name: 'X-Partner-Token',
      auth_header_value: AUTH_HEADER_VALUE,
    });
    const updated = await stack.request('PATCH', `/api/v1/catalog/webhooks/${created.id}`, {
      body: {
        secret: `${SECRET}-rotated`,
        auth_header_name: 'X-Partner-Token',
        auth_header_value: `${AUTH_HEADER_VALUE}-2`,
      },
    });
    const read = await stack.request('GET', `/api/v1/catalog/webhooks/${created.id}`);
    const listed = await stack.request('GET', '/api/v1/catalog/webhooks?limit=100');
    const deleted = await stack.request('DELETE', `/api/v1/catalog/webhooks/${created.id}`);

    for (const body of [created, updated.body, read.body, listed.body, deleted.body]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(AUTH_HEADER_VALUE);
    }
  });

  it('pages through subscriptions newest first', async () => {
    const key = await stack.createApiKey('catalog-paging');
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(
        (
          await createCatalogWebhook(
            stack,
            { url: `${receiver.url}/page-${index}`, events: ['product.created'] },
            key,
          )
        ).id,
      );
    }

    const first = await stack.request('GET', '/api/v1/catalog/webhooks?limit=2', { apiKey: key });
    expect(first.body.data.map((webhook: any) => webhook.id)).toEqual([ids[2], ids[1]]);
    const second = await stack.request(
      'GET',
      `/api/v1/catalog/webhooks?limit=2&cursor=${first.body.next_cursor}`,
      { apiKey: key },
    );
    expect(second.body.data.map((webhook: any) => webhook.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();
  });

  it("answers 404 for another workspace's subscription", async () => {
    const otherKey = await stack.createApiKey('catalog-other');
    const created = await createCatalogWebhook(stack, {
      url: `${receiver.url}/mine`,
      events: ['product.created'],
    });

    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { enabled: false }],
      ['DELETE', undefined],
    ] as const) {
      const response = await stack.request(method, `/api/v1/catalog/webhooks/${created.id}`, {
        apiKey: otherKey,
        ...(body !== undefined ? { body } : {}),
      });
      expect(response.status, method).toBe(404);
      expect(response.body.code, method).toBe('not_found');
    }
    const listed = await stack.request('GET', '/api/v1/catalog/webhooks?limit=100', {
      apiKey: otherKey,
    });
    expect(listed.body.data.map((webhook: any) => webhook.id)).not.toContain(created.id);

    const own = await stack.request('GET', `/api/v1/catalog/webhooks/${created.id}`);
    expect(own.body.enabled).toBe(true);
  });
});

describe('catalog input validation', () => {
  const valid = { url: 'http://127.0.0.1:9/hooks', events: ['product.created'] };
  const createCases: Array<{
    name: string;
    body: Record<string, unknown>;
    field: string;
    message?: RegExp;
  }> = [
    {
      name: 'missing url',
      body: { events: ['product.created'] },
      field: 'url',
      message: /is required/,
    },
    {
      name: 'ftp url',
      body: { ...valid, url: 'ftp://files.test/x' },
      field: 'url',
      message: /http or https/,
    },
    { name: 'relative url', body: { ...valid, url: '/hooks' }, field: 'url' },
    {
      name: 'empty events',
      body: { ...valid, events: [] },
      field: 'events',
      message: /at least one event/,
    },
    { name: 'missing events', body: { url: valid.url }, field: 'events', message: /is required/ },
    {
      name: 'unknown event name',
      body: { ...valid, events: ['product.renamed'] },
      field: 'events[0]',
      message: /must be one of/,
    },
    { name: 'table event', body: { ...valid, events: ['table.completed'] }, field: 'events[0]' },
    {
      name: 'duplicate event',
      body: { ...valid, events: ['product.created', 'attribute.created', 'product.created'] },
      field: 'events[2]',
      message: /must not repeat product.created/,
    },
    {
      name: 'auth header name without value',
      body: { ...valid, auth_header_name: 'X-Token' },
      field: 'auth_header_value',
    },
    {
      name: 'reserved auth header name',
      body: { ...valid, auth_header_name: 'X-Lasso-Event', auth_header_value: 'a' },
      field: 'auth_header_name',
    },
    {
      name: 'auth header value with CR LF',
      body: { ...valid, auth_header_name: 'X-Token', auth_header_value: 'a\r\nHost: evil' },
      field: 'auth_header_value',
    },
    { name: 'empty secret', body: { ...valid, secret: '' }, field: 'secret' },
    { name: 'enabled as a string', body: { ...valid, enabled: 'yes' }, field: 'enabled' },
    {
      name: 'unknown field',
      body: { ...valid, secrt: 's' },
      field: 'secrt',
      message: /not a known field/,
    },
  ];

  for (const testCase of createCases) {
    it(`rejects ${testCase.name} with 400 naming the field`, async () => {
      const key = await stack.createApiKey(`catalog-invalid-${createCases.indexOf(testCase)}`);
      const response = await stack.request('POST', '/api/v1/catalog/webhooks', {
        body: testCase.body,
        apiKey: key,
      });

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_request');
      expect(response.body.message).toContain(`${testCase.field}:`);
      const issue = response.body.issues.find(
        (candidate: any) => candidate.field === testCase.field,
      );
      expect(issue).toBeDefined();
      if (testCase.message) {
        expect(issue.message).toMatch(testCase.message);
      }
      const listed = await stack.request('GET', '/api/v1/catalog/webhooks', { apiKey: key });
      expect(listed.body.data).toEqual([]);
    });
  }

  it('rejects invalid updates, changing nothing', async () => {
    const created = await createCatalogWebhook(stack, {
      url: `${receiver.url}/kept`,
      events: ['product.created'],
    });
    const updateCases: Array<{ body: Record<string, unknown>; field: string }> = [
      { body: { events: [] }, field: 'events' },
      { body: { url: 'mailto:ops@example.test' }, field: 'url' },
      { body: { events: ['attribute.renamed'] }, field: 'events[0]' },
      { body: { auth_header_name: null }, field: 'auth_header_value' },
      { body: { enabled: null }, field: 'enabled' },
      { body: { id: 'whk_x' }, field: 'id' },
    ];

    for (const testCase of updateCases) {
      const response = await stack.request('PATCH', `/api/v1/catalog/webhooks/${created.id}`, {
        body: testCase.body,
      });
      expect(response.status, JSON.stringify(testCase.body)).toBe(400);
      expect(response.body.message, JSON.stringify(testCase.body)).toContain(`${testCase.field}:`);
    }

    const read = await stack.request('GET', `/api/v1/catalog/webhooks/${created.id}`);
    expect(read.body).toEqual(created);
  });

  it('rejects a malformed webhook id', async () => {
    const response = await stack.request('GET', '/api/v1/catalog/webhooks/hook-1');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^webhook_id:/);
  });

  it('filters deliveries by webhook_id', async () => {
    const response = await listDeliveries(stack, 'webhook_id=whk_0000000000aaaaaaaaaaaaaaaa');
    expect(response).toEqual([]);
  });
});
