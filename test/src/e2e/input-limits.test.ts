import { request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let limitedStack: TestStack;

const LIMIT_PER_MINUTE = 5;

beforeAll(async () => {
  [stack, limitedStack] = await Promise.all([
    startTestStack(),
    startTestStack({ rateLimitPerMinute: LIMIT_PER_MINUTE }),
  ]);
});

afterAll(async () => {
  await Promise.all([stack?.close(), limitedStack?.close()]);
});

const ONE_MIB = 1024 * 1024;

/** Builds a table body of exactly `bytes` by padding `name`, which is then too long to be valid. */
function paddedTableBody(bytes: number): string {
  const base = JSON.stringify({ schema_id: 's', name: '', file_ids: ['f'] });
  return base.replace('"name":""', `"name":"${'n'.repeat(bytes - base.length)}"`);
}

/**
 * Sends a POST with node:http and returns the status, headers and body. `chunked` leaves out
 * Content-Length, so the server learns the size only while reading.
 */
async function post(
  url: string,
  options: { body: string; apiKey: string; chunked?: boolean },
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.apiKey}`,
        'Content-Type': 'application/json',
        ...(options.chunked ? {} : { 'Content-Length': Buffer.byteLength(options.body) }),
      },
    });
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text === '' ? null : JSON.parse(text),
        });
      });
    });
    // The server may respond and close before the whole body is written; the response still counts.
    outgoing.on('error', reject);
    const buffer = Buffer.from(options.body);
    for (let offset = 0; offset < buffer.length; offset += 64 * 1024) {
      outgoing.write(buffer.subarray(offset, offset + 64 * 1024));
    }
    outgoing.end();
  });
}

describe('request body limit', () => {
  it('accepts a JSON body of exactly 1 MiB', async () => {
    const response = await post(`${stack.baseUrl}/api/v1/tables`, {
      body: paddedTableBody(ONE_MIB),
      apiKey: stack.apiKey,
    });

    // The size passes; the 1 MiB name then fails validation.
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_request');
  });

  for (const chunked of [false, true]) {
    const label = chunked ? 'chunked' : 'with Content-Length';

    it(`returns 413 for a JSON body over 1 MiB, ${label}`, async () => {
      const response = await post(`${stack.baseUrl}/api/v1/tables`, {
        body: paddedTableBody(ONE_MIB + 1),
        apiKey: stack.apiKey,
        chunked,
      });

      expect(response.status).toBe(413);
      expect(response.body.code).toBe('payload_too_large');
      expect(response.body.message).toContain('1048576 bytes');
    });

    it(`returns 413 for a tRPC body over 1 MiB, ${label}`, async () => {
      const response = await post(`${stack.baseUrl}/trpc/tables.create`, {
        body: paddedTableBody(ONE_MIB + 1),
        apiKey: stack.apiKey,
        chunked,
      });

      expect(response.status).toBe(413);
      expect(response.body.error.data.code).toBe('payload_too_large');
    });
  }

  it('stores nothing from a rejected body', async () => {
    const response = await stack.request('GET', '/api/v1/tables?limit=100');
    expect(response.body.data.filter((table: any) => table.name.startsWith('nnnn'))).toEqual([]);
  });

  it('returns 413 for event data over 256 KiB', async () => {
    const product = { description: 'd'.repeat(256 * 1024) };
    const response = await stack.request('POST', '/api/v1/events', {
      body: { event: 'product.created', data: { product_id: 'prd_big', product } },
    });

    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
    expect(response.body.message).toMatch(/^data: /);
  });

  it('accepts event data just under 256 KiB', async () => {
    const data = { product_id: 'prd_fits', product: { description: '' } };
    const padding = 256 * 1024 - Buffer.byteLength(JSON.stringify(data));
    data.product.description = 'd'.repeat(padding);

    const response = await stack.request('POST', '/api/v1/events', {
      body: { event: 'product.created', data },
    });

    expect(response.status).toBe(202);
  });
});

describe('rate limit per API key', () => {
  it('returns 429 with Retry-After on the JSON routes once the bucket is empty', async () => {
    const key = await limitedStack.createApiKey('burst-json');
    const statuses: number[] = [];
    for (let index = 0; index < LIMIT_PER_MINUTE; index++) {
      statuses.push((await limitedStack.request('GET', '/api/v1/tables', { apiKey: key })).status);
    }
    expect(statuses).toEqual(Array(LIMIT_PER_MINUTE).fill(200));

    const limited = await fetch(`${limitedStack.baseUrl}/api/v1/tables`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const body: any = await limited.json();

    expect(limited.status).toBe(429);
    expect(body.code).toBe('rate_limited');
    expect(body.message).toContain(`${LIMIT_PER_MINUTE} per minute`);
    // One request comes back every 12 s at 5 per minute.
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(12);
  });

  it('returns 429 with Retry-After on tRPC once the bucket is empty', async () => {
    const key = await limitedStack.createApiKey('burst-trpc');
    const call = () =>
      fetch(`${limitedStack.baseUrl}/trpc/tables.list?input=${encodeURIComponent('{}')}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
    for (let index = 0; index < LIMIT_PER_MINUTE; index++) {
      expect((await call()).status).toBe(200);
    }

    const limited = await call();
    const body: any = await limited.json();

    expect(limited.status).toBe(429);
    expect(body.error.data.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('keeps one bucket per key', async () => {
    const spent = await limitedStack.createApiKey('spent');
    for (let index = 0; index <= LIMIT_PER_MINUTE; index++) {
      await limitedStack.request('GET', '/api/v1/tables', { apiKey: spent });
    }
    expect((await limitedStack.request('GET', '/api/v1/tables', { apiKey: spent })).status).toBe(
      429,
    );

    const fresh = await limitedStack.createApiKey('spent');
    expect((await limitedStack.request('GET', '/api/v1/tables', { apiKey: fresh })).status).toBe(
      200,
    );
  });

  it('counts the same key alike however the header is spaced', async () => {
    const key = await limitedStack.createApiKey('spacing');
    const spellings = [
      `Bearer ${key}`,
      `bearer  ${key}`,
      `BEARER ${key} `,
      `Bearer\t${key}`,
      `Bearer ${key}`,
    ];
    for (const authorization of spellings) {
      expect(
        (
          await fetch(`${limitedStack.baseUrl}/api/v1/tables`, {
            headers: { Authorization: authorization },
          })
        ).status,
      ).toBe(200);
    }

    const limited = await fetch(`${limitedStack.baseUrl}/api/v1/tables`, {
      headers: { Authorization: `bearer   ${key}` },
    });
    expect(limited.status).toBe(429);
  });
});
