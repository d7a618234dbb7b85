import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTable } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const validTable = { schema_id: 'sch_1', name: 'Invoices', file_ids: ['file_1'] };

describe('input validation', () => {
  const cases: Array<{
    name: string;
    body: Record<string, unknown>;
    field: string;
    message?: RegExp;
  }> = [
    {
      name: 'missing schema_id',
      body: { name: 'x', file_ids: ['f'] },
      field: 'schema_id',
      message: /is required/,
    },
    { name: 'empty file_ids', body: { ...validTable, file_ids: [] }, field: 'file_ids' },
    {
      name: 'ftp webhook_url',
      body: { ...validTable, webhook_url: 'ftp://example.test/x' },
      field: 'webhook_url',
    },
    {
      name: 'relative webhook_url',
      body: { ...validTable, webhook_url: '/hooks' },
      field: 'webhook_url',
    },
    {
      name: 'webhook_url with user info',
      body: { ...validTable, webhook_url: 'https://user:pass@example.test/x' },
      field: 'webhook_url',
    },
    {
      name: 'auth header name without value',
      body: {
        ...validTable,
        webhook_url: 'http://127.0.0.1:9/x',
        webhook_auth_header_name: 'X-Token',
      },
      field: 'webhook_auth_header_value',
    },
    {
      name: 'auth header value without name',
      body: {
        ...validTable,
        webhook_url: 'http://127.0.0.1:9/x',
        webhook_auth_header_value: 'abc',
      },
      field: 'webhook_auth_header_name',
    },
    {
      name: 'reserved auth header name',
      body: {
        ...validTable,
        webhook_url: 'http://127.0.0.1:9/x',
        webhook_auth_header_name: 'X-Lasso-Signature',
        webhook_auth_header_value: 'a',
      },
      field: 'webhook_auth_header_name',
    },
    {
      name: 'auth header value with CR LF',
      body: {
        ...validTable,
        webhook_url: 'http://127.0.0.1:9/x',
        webhook_auth_header_name: 'X-Token',
        webhook_auth_header_value: 'a\r\nHost: evil',
      },
      field: 'webhook_auth_header_value',
    },
    {
      name: 'secret without webhook_url',
      body: { ...validTable, webhook_secret: 's' },
      field: 'webhook_url',
    },
    {
      name: 'unknown field',
      body: { ...validTable, webhook_secrt: 's' },
      field: 'webhook_secrt',
      message: /not a known field/,
    },
  ];

  for (const testCase of cases) {
    it(`rejects ${testCase.name} with 400 naming the field`, async () => {
      const before = await stack.request('GET', '/api/v1/tables?limit=100');
      const response = await stack.request('POST', '/api/v1/tables', { body: testCase.body });

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
      const after = await stack.request('GET', '/api/v1/tables?limit=100');
      expect(after.body.data).toHaveLength(before.body.data.length);
    });
  }

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/tables`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body: '{"schema_id": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'invalid_request',
      message: 'body: must be valid JSON',
    });
  });

  it('rejects a negative total_rows', async () => {
    const table = await createTable(stack, {});
    const response = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: -1 },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^total_rows:/);
  });

  it('rejects a malformed table id', async () => {
    const response = await stack.request('GET', '/api/v1/tables/not-an-id');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^table_id:/);
  });
});

describe('authentication and workspaces', () => {
  it('answers 401 without a key', async () => {
    const response = await stack.request('GET', '/api/v1/tables', { apiKey: null });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthorized');
  });

  it('answers 401 for an unknown key', async () => {
    const response = await stack.request('GET', '/api/v1/tables', {
      apiKey: 'lasso_thisKeyWasNeverIssued0000000',
    });
    expect(response.status).toBe(401);
  });

  it('answers the health check without a key', async () => {
    const response = await stack.request('GET', '/health', { apiKey: null });
    expect(response.status).toBe(200);
  });

  it("answers 404 for another workspace's table", async () => {
    const otherKey = await stack.createApiKey('acme');
    const table = await createTable(stack, {});

    const read = await stack.request('GET', `/api/v1/tables/${table.id}`, { apiKey: otherKey });
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('not_found');

    const complete = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: 1 },
      apiKey: otherKey,
    });
    expect(complete.status).toBe(404);

    const list = await stack.request('GET', '/api/v1/tables', { apiKey: otherKey });
    expect(list.body.data.map((row: any) => row.id)).not.toContain(table.id);

    const own = await stack.request('GET', `/api/v1/tables/${table.id}`);
    expect(own.body.status).toBe('processing');
  });
});

describe('lists', () => {
  it('pages through tables with a cursor, newest first', async () => {
    const key = await stack.createApiKey('paging');
    const created: string[] = [];
    for (let index = 0; index < 5; index++) {
      created.push((await createTable(stack, { name: `Page ${index}` }, key)).id);
    }

    const first = await stack.request('GET', '/api/v1/tables?limit=2', { apiKey: key });
    expect(first.body.data.map((row: any) => row.id)).toEqual([created[4], created[3]]);
    const second = await stack.request(
      'GET',
      `/api/v1/tables?limit=2&cursor=${first.body.next_cursor}`,
      { apiKey: key },
    );
    expect(second.body.data.map((row: any) => row.id)).toEqual([created[2], created[1]]);
    const third = await stack.request(
      'GET',
      `/api/v1/tables?limit=2&cursor=${second.body.next_cursor}`,
      { apiKey: key },
    );
    expect(third.body.data.map((row: any) => row.id)).toEqual([created[0]]);
    expect(third.body.next_cursor).toBeNull();
  });

  it('rejects a limit over 100', async () => {
    const response = await stack.request('GET', '/api/v1/deliveries?limit=1000');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^limit:/);
  });

  it('rejects an unknown status filter', async () => {
    const response = await stack.request('GET', '/api/v1/deliveries?status=lost');
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^status:/);
  });
});
