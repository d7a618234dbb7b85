import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import {
  createLassoClient,
  errorCodeOf,
  fieldIssuesOf,
  isLassoClientError,
  parseWebhook,
  verifySignature,
  type LassoClient,
  type Table,
} from '@lasso/client';
import { MUTATION_PATHS } from '@lasso/client/procedure-kinds';
import { appRouter } from '@lasso/server';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let receiver: RecordingReceiver;
let client: LassoClient;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
  client = createLassoClient({ baseUrl: stack.baseUrl, apiKey: stack.apiKey });
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

describe('typed client', () => {
  it('creates and completes a table and reads its delivery', async () => {
    const table = await client.tables.create({
      schema_id: 'sch_orders',
      name: 'Orders',
      file_ids: ['file_a', 'file_b'],
      webhook_url: `${receiver.url}/client`,
      webhook_secret: 'client-secret',
    });
    expectTypeOf(table).toEqualTypeOf<Table>();
    expect(table.id).toMatch(/^tbl_/);

    const completed = await client.tables.complete({ table_id: table.id, total_rows: 12 });
    expect(completed.status).toBe('completed');
    expect(completed.total_rows).toBe(12);

    const [request] = await receiver.waitForRequests(1);
    expect(
      verifySignature(
        request!.body,
        request!.headers['x-lasso-signature'] as string,
        'client-secret',
      ),
    ).toBe(true);
    const payload = parseWebhook(request!.body, {
      headers: request!.headers as Record<string, string>,
      secret: 'client-secret',
    });
    if (payload.event !== 'table.completed') {
      throw new Error(`unexpected event ${payload.event}`);
    }
    expect(payload.data.total_rows).toBe(12);

    const delivery = await waitFor('the delivery to succeed', async () => {
      const page = await client.deliveries.list({ table_id: table.id });
      return page.data[0]?.status === 'succeeded' ? page.data[0] : undefined;
    });
    const detailed = await client.deliveries.get({ delivery_id: delivery.id });
    expect(detailed.attempts).toHaveLength(1);

    const listed = await client.tables.list({ limit: 100 });
    expect(listed.data.map((row) => row.id)).toContain(table.id);
    const read = await client.tables.get({ table_id: table.id });
    expect(read.status).toBe('completed');
  });

  it('throws typed errors with the code and the field', async () => {
    const error = await client.tables
      .create({ schema_id: 'sch', name: 'Bad', file_ids: ['f'], webhook_url: 'ftp://files.test/x' })
      .catch((caught: unknown) => caught);

    expect(isLassoClientError(error)).toBe(true);
    expect(errorCodeOf(error)).toBe('invalid_request');
    expect(fieldIssuesOf(error).map((issue) => issue.field)).toEqual(['webhook_url']);
    expect((error as Error).message).toMatch(/^webhook_url:/);
  });

  it('throws not_found for an unknown table', async () => {
    const error = await client.tables
      .get({ table_id: 'tbl_0000000000aaaaaaaaaaaaaaaa' })
      .catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('not_found');
  });

  it('throws unauthorized for a wrong key', async () => {
    const stranger = createLassoClient({
      baseUrl: stack.baseUrl,
      apiKey: 'lasso_notAValidKeyForThisServer00',
    });
    const error = await stranger.tables.list({}).catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe('unauthorized');
  });

  it('knows the kind of every procedure of the server', () => {
    const procedures = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
    );
    expect(procedures.length).toBeGreaterThan(0);
    for (const [path, procedure] of procedures) {
      expect(MUTATION_PATHS.has(path), path).toBe(procedure._def.type === 'mutation');
    }
  });
});
