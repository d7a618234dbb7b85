import { createHmac, randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseSecretKey, reencryptStoredSecrets, SecretBox } from '@lasso/server';

import { createCatalogWebhook, publishEvent } from '../support/catalog.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

const oldKey = parseSecretKey(randomBytes(32).toString('base64'));
const currentKey = parseSecretKey(randomBytes(32).toString('hex'));

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack({
    secrets: new SecretBox({ current: currentKey, previous: [oldKey] }),
  });
  receiver = await startRecordingReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

function signatureOf(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Completes a table and returns the request its delivery made to the receiver. */
async function deliverTable(tableId: string) {
  const before = receiver.requests.length;
  await stack.request('POST', `/api/v1/tables/${tableId}/complete`, { body: { total_rows: 3 } });
  const requests = await receiver.waitForRequests(before + 1);
  return requests[before]!;
}

async function tableRow(tableId: string) {
  const rows = await stack.db.query<{ webhook_secret: string; webhook_auth_header_value: string }>(
    'SELECT webhook_secret, webhook_auth_header_value FROM tables WHERE id = $1',
    [tableId],
  );
  return rows[0]!;
}

describe('table secrets with a key set', () => {
  it('stores ciphertext and still signs with the secret', async () => {
    const secret = `whsec_${randomBytes(8).toString('hex')}`;
    const headerValue = `token-${randomBytes(8).toString('hex')}`;
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/tables`,
      webhook_secret: secret,
      webhook_auth_header_name: 'X-Partner-Token',
      webhook_auth_header_value: headerValue,
    });

    const row = await tableRow(table.id);
    expect(row.webhook_secret).toMatch(new RegExp(`^enc:v1:${currentKey.id}:`));
    expect(row.webhook_auth_header_value).toMatch(new RegExp(`^enc:v1:${currentKey.id}:`));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(headerValue);

    const request = await deliverTable(table.id);
    expect(request.headers['x-lasso-signature']).toBe(signatureOf(request.body, secret));
    expect(request.headers['x-partner-token']).toBe(headerValue);
  });

  it('keeps secrets out of every read', async () => {
    const secret = `whsec_${randomBytes(8).toString('hex')}`;
    const headerValue = `token-${randomBytes(8).toString('hex')}`;
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/history`,
      webhook_secret: secret,
      webhook_auth_header_name: 'X-Partner-Token',
      webhook_auth_header_value: headerValue,
    });
    await deliverTable(table.id);

    const listed = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    const delivery = await waitFor('the recorded attempt', async () => {
      const current = await getDelivery(stack, listed.body.data[0].id);
      return current.status === 'succeeded' ? current : undefined;
    });
    const history = await stack.temporal.workflow.getHandle(delivery.workflow_id).fetchHistory();
    const visible = [
      JSON.stringify(table),
      JSON.stringify(delivery),
      JSON.stringify((await stack.request('GET', `/api/v1/tables/${table.id}`)).body),
      JSON.stringify(history),
    ].join('\n');

    for (const value of [secret, headerValue]) {
      expect(visible).not.toContain(value);
      expect(visible).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('reads a row encrypted under the previous key', async () => {
    const secret = `whsec_${randomBytes(8).toString('hex')}`;
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/old-key`,
      webhook_secret: 'replaced-below',
    });
    // As a row written before the rotation: under the old key, now listed in the previous keys.
    await stack.db.query('UPDATE tables SET webhook_secret = $1 WHERE id = $2', [
      new SecretBox({ current: oldKey }).seal(secret),
      table.id,
    ]);

    const request = await deliverTable(table.id);
    expect(request.headers['x-lasso-signature']).toBe(signatureOf(request.body, secret));
  });

  it('reads a row stored before a key was set', async () => {
    const secret = `whsec_${randomBytes(8).toString('hex')}`;
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/plain`,
      webhook_secret: 'replaced-below',
    });
    await stack.db.query('UPDATE tables SET webhook_secret = $1 WHERE id = $2', [secret, table.id]);

    const request = await deliverTable(table.id);
    expect(request.headers['x-lasso-signature']).toBe(signatureOf(request.body, secret));
  });
});

describe('catalog webhook secrets with a key set', () => {
  it('encrypts on create and update, and signs with the new secret', async () => {
    const workspaceKey = await stack.createApiKey('secret-catalog');
    const firstSecret = `whsec_${randomBytes(8).toString('hex')}`;
    const secondSecret = `whsec_${randomBytes(8).toString('hex')}`;
    const headerValue = `token-${randomBytes(8).toString('hex')}`;
    const webhook = await createCatalogWebhook(
      stack,
      {
        url: `${receiver.url}/catalog`,
        events: ['product.created'],
        secret: firstSecret,
        auth_header_name: 'X-Partner-Token',
        auth_header_value: headerValue,
      },
      workspaceKey,
    );

    const update = await stack.request('PATCH', `/api/v1/catalog/webhooks/${webhook.id}`, {
      body: { secret: secondSecret },
      apiKey: workspaceKey,
    });
    expect(update.status).toBe(200);

    const rows = await stack.db.query<{ secret: string; auth_header_value: string }>(
      'SELECT secret, auth_header_value FROM catalog_webhooks WHERE id = $1',
      [webhook.id],
    );
    expect(rows[0]?.secret).toMatch(new RegExp(`^enc:v1:${currentKey.id}:`));
    expect(rows[0]?.auth_header_value).toMatch(new RegExp(`^enc:v1:${currentKey.id}:`));
    expect(JSON.stringify(rows)).not.toContain(secondSecret);
    expect(JSON.stringify(rows)).not.toContain(headerValue);

    const before = receiver.requests.length;
    await publishEvent(
      stack,
      { event: 'product.created', data: { product_id: 'prd_secret', product: { name: 'Lamp' } } },
      workspaceKey,
    );
    const request = (await receiver.waitForRequests(before + 1))[before]!;
    expect(request.path).toBe('/catalog');
    expect(request.headers['x-lasso-signature']).toBe(signatureOf(request.body, secondSecret));
    expect(request.headers['x-partner-token']).toBe(headerValue);
  });
});

describe('rotation', () => {
  it('re-encrypts every old row under the current key', async () => {
    const secret = `whsec_${randomBytes(8).toString('hex')}`;
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/rotate`,
      webhook_secret: 'replaced-below',
    });
    await stack.db.query('UPDATE tables SET webhook_secret = $1 WHERE id = $2', [
      new SecretBox({ current: oldKey }).seal(secret),
      table.id,
    ]);

    const box = new SecretBox({ current: currentKey, previous: [oldKey] });
    const result = await reencryptStoredSecrets(stack.db, box);
    expect(result.rewritten).toBeGreaterThanOrEqual(1);

    // Every stored value now opens with the current key alone, so the old key can be dropped.
    const currentOnly = new SecretBox({ current: currentKey });
    const stored = await stack.db.query<{ value: string }>(
      `SELECT webhook_secret AS value FROM tables WHERE webhook_secret IS NOT NULL
       UNION ALL SELECT webhook_auth_header_value FROM tables WHERE webhook_auth_header_value IS NOT NULL
       UNION ALL SELECT secret FROM catalog_webhooks WHERE secret IS NOT NULL
       UNION ALL SELECT auth_header_value FROM catalog_webhooks WHERE auth_header_value IS NOT NULL`,
    );
    for (const { value } of stored) {
      expect(value.startsWith(`enc:v1:${currentKey.id}:`)).toBe(true);
      expect(() => currentOnly.open(value)).not.toThrow();
    }
    expect(currentOnly.open((await tableRow(table.id)).webhook_secret)).toBe(secret);

    const again = await reencryptStoredSecrets(stack.db, box);
    expect(again.rewritten).toBe(0);
    expect(again.alreadyCurrent).toBe(stored.length);
  });
});
