import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';

import { createLassoClient } from '../create-client.js';
import { describeCliError } from './describe-error.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function listenOnLoopback(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Returns what a list call through the real client throws against `baseUrl`. */
async function errorOfCallTo(baseUrl: string): Promise<unknown> {
  const client = createLassoClient({ baseUrl, apiKey: 'lasso_test_key' });
  return client.deliveries.list({}).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('describeCliError', () => {
  it('names the URL when the connection is refused', async () => {
    const baseUrl = await listenOnLoopback(createServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));

    const message = describeCliError(await errorOfCallTo(baseUrl), baseUrl);

    expect(message).toBe(
      `could not reach the Lasso API at ${baseUrl}: connection refused. ` +
        'Check --url or LASSO_URL, and that the Lasso API is running there.',
    );
  });

  it('says when the server is not the Lasso API', async () => {
    const baseUrl = await listenOnLoopback(
      createServer((_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<html>router login</html>');
      }),
    );

    const message = describeCliError(await errorOfCallTo(baseUrl), baseUrl);

    expect(message).toMatch(
      new RegExp(`^the server at ${baseUrl} did not respond as the Lasso API: `),
    );
  });

  it("shows the API's code and message", async () => {
    const baseUrl = await listenOnLoopback(
      createServer((_request, response) => {
        // The shape the Lasso API's tRPC error formatter sends for an unknown key.
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(
          JSON.stringify({
            error: {
              code: -32001,
              message: 'Missing or invalid API key; send Authorization: Bearer <key>',
              data: {
                code: 'unauthorized',
                httpStatus: 401,
                path: 'deliveries.list',
                issues: null,
              },
            },
          }),
        );
      }),
    );

    const message = describeCliError(await errorOfCallTo(baseUrl), baseUrl);

    expect(message).toBe(
      'Missing or invalid API key; send Authorization: Bearer <key> (API error unauthorized) Check --api-key or LASSO_API_KEY.',
    );
  });

  it('reports a timeout with the limit', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const error = new TRPCClientError('The operation was aborted due to timeout', {
      cause: timeout,
    });

    expect(describeCliError(error, 'http://127.0.0.1:3000')).toMatch(
      /^no answer from the Lasso API at http:\/\/127\.0\.0\.1:3000 within 120 s\./,
    );
  });

  it('passes other errors through', () => {
    expect(describeCliError(new Error('something else'), 'http://127.0.0.1:3000')).toBe(
      'something else',
    );
  });
});
