import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorCodeSchema, newId } from '@lasso/contracts';
import { JSON_ROUTES, type JsonRoute } from '@lasso/server/http/json-routes';

import { createCatalogWebhook } from '../support/catalog.js';
import { sendRawRequest, type RawResponse } from '../support/raw-http.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
let receiver: RecordingReceiver;
// Separate workspaces, so that webhooks made by one test never receive events published by another.
let webhooksKey: string;
let eventsKey: string;
let existing: { table_id: string; delivery_id: string; webhook_id: string };

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
  webhooksKey = await stack.createApiKey('hostile-webhooks');
  eventsKey = await stack.createApiKey('hostile-events');

  const table = await createTable(stack, { webhook_url: `${receiver.url}/hook` });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });
  const delivery = await waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });
  const webhook = await createCatalogWebhook(
    stack,
    { url: `${receiver.url}/catalog`, events: ['product.created'] },
    webhooksKey,
  );
  existing = { table_id: table.id, delivery_id: delivery.id, webhook_id: webhook.id };
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

/** Fills in the route's path parameters with existing records, or with unknown ids. */
function pathOf(route: JsonRoute, params: Record<string, string> = existing): string {
  return route.pattern.replace(/:(\w+)/g, (_, name: string) => params[name] ?? 'missing');
}

const UNKNOWN_IDS = {
  table_id: newId('table'),
  delivery_id: newId('delivery'),
  webhook_id: newId('catalogWebhook'),
};

function keyFor(route: JsonRoute): string {
  if (route.pattern.startsWith('/api/v1/catalog')) {
    return webhooksKey;
  }
  return route.pattern === '/api/v1/events' ? eventsKey : stack.apiKey;
}

async function send(
  route: JsonRoute,
  options: { target?: string | Buffer; body?: Buffer | string; params?: Record<string, string> },
) {
  return sendRawRequest(stack.baseUrl, {
    method: route.method,
    target: options.target ?? pathOf(route, options.params ?? UNKNOWN_IDS),
    headers: { Authorization: `Bearer ${keyFor(route)}`, 'Content-Type': 'application/json' },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

/** Asserts a client error with the API's JSON error body; `label` names the input in a failure. */
function expectClientError(response: RawResponse, label: string): void {
  expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  const body = JSON.parse(response.body) as { code?: unknown; message?: unknown };
  expect(errorCodeSchema.safeParse(body.code).success, `${label}: code ${String(body.code)}`).toBe(
    true,
  );
  expect(typeof body.message, label).toBe('string');
}

/** Asserts anything but a server error; an error response must still be the API's JSON body. */
function expectNoServerError(response: RawResponse, label: string): void {
  expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) {
    expectClientError(response, label);
  }
}

const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const BODY_ROUTES = JSON_ROUTES.filter((route) => route.inputFrom === 'body');
const QUERY_ROUTES = JSON_ROUTES.filter((route) => route.inputFrom === 'query');

describe('every JSON route with a body', () => {
  const bodies: Array<[name: string, body: () => Buffer | string]> = [
    ['an empty body', () => ''],
    ['null', () => 'null'],
    ['an array', () => '[{"name":"x"}]'],
    ['a string', () => '"text"'],
    ['a number', () => '42'],
    ['true', () => 'true'],
    ['truncated JSON', () => '{"name": '],
    ['a trailing comma', () => '{"name":"x",}'],
    [
      'invalid UTF-8 bytes',
      () => Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
    ],
    [
      'a lone UTF-8 continuation byte',
      () => Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0x80]), Buffer.from('"}')]),
    ],
    ['10,000 nested objects', () => deepObject(10_000)],
    ['10,000 nested arrays', () => `{"name":${deepArray(10_000)}}`],
    ['a 2 MB string', () => `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`],
    ['an unknown field', () => '{"zzz_unknown":1}'],
    ['a __proto__ field', () => '{"__proto__":{"isAdmin":true}}'],
    ['a constructor field', () => '{"constructor":{"prototype":{"isAdmin":true}}}'],
    [
      'wrong types everywhere',
      () => JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, { wrong: [1] }]))),
    ],
  ];

  for (const route of BODY_ROUTES) {
    it(`returns 4xx with a code: ${route.method} ${route.pattern}`, async () => {
      for (const [name, body] of bodies) {
        for (const params of [UNKNOWN_IDS, existing]) {
          // An empty body is a valid `{}` for cancel, replay and update, which would then act on an existing record.
          if (name === 'an empty body' && params === existing) {
            continue;
          }
          expectClientError(
            await send(route, { body: body(), params }),
            `${name}, ${JSON.stringify(params)}`,
          );
        }
      }
    });
  }
});

// Every input field of every route, so a body with all of them wrong has each one present.
const FIELD_NAMES = [
  'schema_id',
  'name',
  'file_ids',
  'webhook_url',
  'webhook_secret',
  'webhook_auth_header_name',
  'webhook_auth_header_value',
  'total_rows',
  'error',
  'url',
  'events',
  'secret',
  'auth_header_name',
  'auth_header_value',
  'description',
  'enabled',
  'event',
  'data',
  'idempotency_key',
  'table_id',
  'webhook_id',
  'delivery_id',
  'since',
  'limit',
  'cursor',
  'status',
  'event_id',
];

describe('every JSON route with a query string', () => {
  const queries = [
    '?limit=-1',
    '?limit=abc',
    '?limit=1e999',
    '?limit=1&limit=2',
    '?%zz=1',
    '?=',
    '?=value',
    '?a[b]=1',
    '?__proto__=x',
    '?constructor=x',
    '?toString=x',
    '?hasOwnProperty=x',
    '?status=%00',
    '?status=%C3%28',
    `?status=${'s'.repeat(8_000)}`,
    `?cursor=${'c'.repeat(300)}`,
    '?cursor=%00',
    '?cursor=a%00b',
    '?limit=%F0%9F%92%A9',
    '?event=../../etc',
    '?zzz_unknown=1',
  ];

  for (const route of QUERY_ROUTES) {
    it(`returns 4xx with a code: ${route.method} ${route.pattern}`, async () => {
      for (const query of queries) {
        for (const params of [UNKNOWN_IDS, existing]) {
          // DELETE with the existing webhook and an accepted query would delete it for later tests.
          if (route.method === 'DELETE' && params === existing) {
            continue;
          }
          expectClientError(
            await send(route, { target: pathOf(route, params) + query }),
            `${query}, ${JSON.stringify(params)}`,
          );
        }
      }
    });
  }

  // Odd but acceptable: a hex limit is a number, and a path id wins over the same field in the query.
  it('never returns 5xx to odd queries that may pass', async () => {
    for (const route of QUERY_ROUTES.filter((candidate) => candidate.method === 'GET')) {
      for (const query of [
        '?limit=0x10',
        '?limit=+5',
        '?table_id=tbl_not-an-id',
        '?&&&',
        '?limit=100&cursor=zzzz',
        '?cursor=',
      ]) {
        expectNoServerError(
          await send(route, { target: pathOf(route) + query }),
          `${route.pattern}${query}`,
        );
      }
    }
  });

  it('rejects a request line over 16 KiB with JSON', async () => {
    const response = await sendRawRequest(stack.baseUrl, {
      method: 'GET',
      target: `/api/v1/tables?cursor=${'c'.repeat(20_000)}`,
      headers: { Authorization: `Bearer ${stack.apiKey}` },
    });

    expectClientError(response, 'a 20 KB query');
    expect(response.status).toBe(431);
  });
});

describe('odd paths and methods', () => {
  const targets: Array<[name: string, method: string, target: string | Buffer]> = [
    ['a malformed id', 'GET', '/api/v1/tables/not-an-id'],
    ['an encoded slash', 'GET', '/api/v1/tables/tbl_%2F..%2F..'],
    ['a broken escape', 'GET', '/api/v1/tables/%E0%A4%A'],
    ['an encoded NUL', 'GET', '/api/v1/deliveries/dlv_%00'],
    [
      'raw non-ASCII bytes',
      'GET',
      Buffer.concat([Buffer.from('/api/v1/tables/tbl_'), Buffer.from([0xff, 0xfe])]),
    ],
    ['a 1,000-character id', 'GET', `/api/v1/tables/tbl_${'a'.repeat(1000)}`],
    ['an absolute-form target that is no URL', 'GET', 'http://[/api/v1/tables'],
    ['an unknown route', 'GET', '/api/v2/tables'],
    ['an unsupported method', 'PUT', '/api/v1/tables'],
    ['another unsupported method', 'PATCH', '/api/v1/deliveries'],
  ];

  for (const [name, method, target] of targets) {
    it(`rejects ${name} with a JSON error`, async () => {
      const response = await sendRawRequest(stack.baseUrl, {
        method,
        target,
        headers: { Authorization: `Bearer ${stack.apiKey}` },
      });
      expectClientError(response, name);
    });
  }

  it('rejects a malformed HTTP request with JSON', async () => {
    const response = await sendRawRequest(stack.baseUrl, {
      method: 'GET',
      target: '/api/v1/tables',
      headers: { 'Bad Header Name': 'x', Authorization: `Bearer ${stack.apiKey}` },
    });
    expectClientError(response, 'a header name with spaces');
  });
});

describe('valid bodies with one hostile field', () => {
  const hostileValues: unknown[] = [
    null,
    0,
    -1,
    1.5,
    1e308,
    true,
    [],
    {},
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\r\n',
    'x'.repeat(10_000),
    '%00',
    "'; DROP TABLE tables; --",
    '\u202egnp.exe',
    ['\u0000'],
    { code: '\u0000', message: '\u0000' },
    { product_id: 'p\u0000', product: { name: '\u0000' } },
  ];

  const validBodies: Record<string, () => Record<string, unknown>> = {
    'POST /api/v1/tables': () => ({
      schema_id: 'sch_1',
      name: 'Hostile',
      file_ids: ['file_1'],
      webhook_url: `${receiver.url}/never-completed`,
      webhook_secret: 'secret',
      webhook_auth_header_name: 'X-Token',
      webhook_auth_header_value: 'value',
    }),
    'POST /api/v1/tables/:table_id/complete': () => ({ total_rows: 1 }),
    'POST /api/v1/tables/:table_id/fail': () => ({
      error: { code: 'bad_file', message: 'could not read' },
    }),
    'POST /api/v1/deliveries/recover': () => ({
      table_id: existing.table_id,
      since: '2000-01-01T00:00:00Z',
      limit: 1,
    }),
    'POST /api/v1/catalog/webhooks': () => ({
      url: `${receiver.url}/catalog-hostile`,
      events: ['attribute.deleted'],
      secret: 'secret',
      auth_header_name: 'X-Token',
      auth_header_value: 'value',
      description: 'hostile',
      enabled: false,
    }),
    'PATCH /api/v1/catalog/webhooks/:webhook_id': () => ({
      url: `${receiver.url}/catalog`,
      secret: 'secret',
      description: 'd',
    }),
    'POST /api/v1/events': () => ({
      event: 'product.created',
      data: { product_id: 'prd_1', product: { name: 'Lamp' } },
      idempotency_key: `key-${Math.random()}`,
    }),
  };

  for (const route of BODY_ROUTES) {
    const key = `${route.method} ${route.pattern}`;
    const validBody = validBodies[key];
    if (validBody === undefined) {
      continue;
    }

    it(`never returns 5xx: ${key}`, async () => {
      for (const field of Object.keys(validBody())) {
        for (const value of hostileValues) {
          // Completing or failing a table works once, so each try gets a table still processing.
          const params = /complete|fail/.test(route.pattern)
            ? { ...existing, table_id: (await createTable(stack, {})).id }
            : existing;
          const body = { ...validBody(), [field]: value };
          const label = `${field} = ${JSON.stringify(value).slice(0, 60)}`;
          const response = await send(route, { body: JSON.stringify(body), params }).catch(
            (error: Error) => {
              throw new Error(`${label}: ${error.message}`);
            },
          );
          expectNoServerError(response, label);
        }
      }
    });
  }

  it('never returns 5xx to the same deep data published twice', async () => {
    // Built as text: JSON.stringify itself overflows the stack at this depth.
    const body = `{"event":"product.created","data":{"product_id":"prd_deep","product":${deepObject(10_000)}},"idempotency_key":"deep-twice"}`;
    const route = JSON_ROUTES.find((candidate) => candidate.pattern === '/api/v1/events')!;

    expectNoServerError(await send(route, { body }), 'first publish');
    expectNoServerError(await send(route, { body }), 'second publish');
  });
});

describe('custom auth headers that could inject or override headers', () => {
  const names = [
    'Host',
    'host',
    'X-Lasso-Signature',
    'x-lasso-signature',
    'X-Lasso-Event',
    'Content-Length',
    'Transfer-Encoding',
    'Connection',
    'User-Agent',
    'Content-Type',
    'X Token',
    'X-Token:',
    'X-Token\r\nX-Evil',
  ];
  const values = [
    'a\r\nX-Evil: 1',
    'a\nX-Evil: 1',
    'a\rb',
    '\r\n',
    'tab\tok\u0000',
    'é',
    'a'.repeat(4097),
  ];

  async function countRows(): Promise<{ tables: number; webhooks: number }> {
    const [tables] = await stack.db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM tables',
    );
    const [webhooks] = await stack.db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM catalog_webhooks',
    );
    return { tables: tables?.count ?? 0, webhooks: webhooks?.count ?? 0 };
  }

  it('rejects them on tables.create with 400 naming the field, storing nothing', async () => {
    const before = await countRows();
    const cases = [
      ...names.map((name) => ({
        webhook_auth_header_name: name,
        webhook_auth_header_value: 'v',
        field: 'webhook_auth_header_name',
      })),
      ...values.map((value) => ({
        webhook_auth_header_name: 'X-Token',
        webhook_auth_header_value: value,
        field: 'webhook_auth_header_value',
      })),
    ];

    for (const { field, ...headerFields } of cases) {
      const response = await stack.request('POST', '/api/v1/tables', {
        body: {
          schema_id: 's',
          name: 'n',
          file_ids: ['f'],
          webhook_url: `${receiver.url}/x`,
          ...headerFields,
        },
      });
      expect(response.status, JSON.stringify(headerFields)).toBe(400);
      expect(response.body.message).toContain(`${field}:`);
    }
    expect(await countRows()).toEqual(before);
  });

  it('rejects them on catalog webhook create and update, changing nothing', async () => {
    const before = await countRows();
    const cases = [
      ...names.map((name) => ({
        auth_header_name: name,
        auth_header_value: 'v',
        field: 'auth_header_name',
      })),
      ...values.map((value) => ({
        auth_header_name: 'X-Token',
        auth_header_value: value,
        field: 'auth_header_value',
      })),
    ];

    for (const { field, ...headerFields } of cases) {
      const created = await stack.request('POST', '/api/v1/catalog/webhooks', {
        body: { url: `${receiver.url}/x`, events: ['product.created'], ...headerFields },
        apiKey: webhooksKey,
      });
      expect(created.status, JSON.stringify(headerFields)).toBe(400);
      expect(created.body.message).toContain(`${field}:`);

      const updated = await stack.request(
        'PATCH',
        `/api/v1/catalog/webhooks/${existing.webhook_id}`,
        {
          body: headerFields,
          apiKey: webhooksKey,
        },
      );
      expect(updated.status, JSON.stringify(headerFields)).toBe(400);
    }

    expect(await countRows()).toEqual(before);
    const [row] = await stack.db.query<{ auth_header_name: string | null }>(
      'SELECT auth_header_name FROM catalog_webhooks WHERE id = $1',
      [existing.webhook_id],
    );
    expect(row?.auth_header_name ?? null).toBeNull();
  });
});

describe('tRPC with hostile input', () => {
  const post = (procedure: string, body: Buffer | string) =>
    sendRawRequest(stack.baseUrl, {
      method: 'POST',
      target: `/trpc/${procedure}`,
      headers: { Authorization: `Bearer ${stack.apiKey}`, 'Content-Type': 'application/json' },
      body,
    });

  it('rejects broken and deep bodies', async () => {
    const bodies: Array<Buffer | string> = [
      '',
      'null',
      '[]',
      '{"schema_id":',
      Buffer.from([0x7b, 0xff, 0x7d]),
      deepObject(10_000),
      `{"schema_id":"s","name":"n","file_ids":["f"],"zzz":1}`,
      `{"schema_id":"s","name":"a\\u0000b","file_ids":["f"]}`,
    ];
    for (const body of bodies) {
      const response = await post('tables.create', body);
      expect(response.status, response.body.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(response.status, response.body.slice(0, 200)).toBeLessThan(500);
    }
  });
});
