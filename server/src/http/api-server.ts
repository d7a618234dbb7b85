import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';

import { ERROR_STATUS } from '@lasso/contracts';

import { authenticateApiKey } from '../auth/api-keys.js';
import { ApiError, toErrorBody } from '../errors.js';
import { appRouter, createAppCaller } from '../routers/app-router.js';
import type { ServiceDeps } from '../service-deps.js';
import type { RequestContext } from '../trpc/init.js';
import { respondToClientError } from './respond-to-client-error.js';
import { enforceRateLimit } from './enforce-rate-limit.js';
import { matchJsonRoute } from './json-routes.js';
import { MAX_REQUEST_BODY_BYTES, parseJsonObject, readBody } from './read-body.js';

const TRPC_PREFIX = '/trpc/';

/** Creates the API's HTTP server: tRPC under /trpc, JSON routes under /api/v1, and /health. */
export function createApiServer(deps: ServiceDeps): Server {
  const server = createServer((request, response) => {
    const startedAt = performance.now();
    response.on('finish', () => {
      deps.logger.info('request', {
        method: request.method,
        path: (request.url ?? '').split('?')[0],
        status: response.statusCode,
        duration_ms: Math.round(performance.now() - startedAt),
      });
    });

    routeRequest(deps, request, response).catch((error: unknown) => {
      deps.logger.error('request failed', { error: describeError(error) });
      if (!response.headersSent) {
        sendJson(response, 500, {
          code: 'internal_error',
          message: 'Internal error; the server log has the details',
        });
      } else {
        response.destroy();
      }
    });
  });
  server.on('clientError', respondToClientError);
  return server;
}

async function routeRequest(
  deps: ServiceDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    // An absolute-form target such as `GET http://[ HTTP/1.1` passes Node's parser but is no URL.
    sendJson(response, 400, {
      code: 'invalid_request',
      message: 'The request target is not a valid URL path',
    });
    return;
  }

  if (url.pathname === '/health') {
    sendJson(response, 200, { status: 'ok' });
    return;
  }

  if (url.pathname.startsWith(TRPC_PREFIX)) {
    await nodeHTTPRequestHandler({
      router: appRouter,
      req: request,
      res: response,
      path: url.pathname.slice(TRPC_PREFIX.length),
      maxBodySize: MAX_REQUEST_BODY_BYTES,
      createContext: () => createRequestContext(deps, request, response),
      onError: ({ error, path }) => logIfInternal(deps, error, path),
    });
    return;
  }

  await handleJsonRoute(deps, request, response, url);
}

async function createRequestContext(
  deps: ServiceDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<RequestContext> {
  const workspace = await authenticateApiKey(deps.db, request.headers.authorization);
  if (workspace !== null && deps.rateLimiter !== undefined) {
    enforceRateLimit(deps.rateLimiter, request, response);
  }
  return { deps, workspace };
}

async function handleJsonRoute(
  deps: ServiceDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) {
  const method = request.method ?? 'GET';
  const match = matchJsonRoute(method, url.pathname);
  if (match === null) {
    sendJson(response, 404, { code: 'not_found', message: `No route ${method} ${url.pathname}` });
    return;
  }
  if ('allowed' in match) {
    response.setHeader('Allow', match.allowed.join(', '));
    sendJson(response, 405, {
      code: 'not_found',
      message: `Method ${method} is not allowed on ${url.pathname}; use ${match.allowed.join(' or ')}`,
    });
    return;
  }

  try {
    const context = await createRequestContext(deps, request, response);
    const fields =
      match.route.inputFrom === 'body'
        ? parseJsonObject(await readBody(request))
        : queryToObject(url.searchParams);
    const input = { ...fields, ...match.params };

    const result = await match.route.call(createAppCaller(context), input as never);
    sendJson(response, match.route.successStatus, result);
  } catch (error) {
    logIfInternal(deps, error, match.route.pattern);
    const body = toErrorBody(error);
    sendJson(response, ERROR_STATUS[body.code], body);
  }
}

function queryToObject(searchParams: URLSearchParams): Record<string, string> {
  // A Map, so that names such as `constructor` or `__proto__` are plain fields, not inherited ones.
  const fields = new Map<string, string>();
  for (const [name, value] of searchParams) {
    if (fields.has(name)) {
      throw new ApiError('invalid_request', `${name}: must be given once`);
    }
    fields.set(name, value);
  }
  return Object.fromEntries(fields);
}

function logIfInternal(deps: ServiceDeps, error: unknown, path: string | undefined): void {
  const body = toErrorBody(error);
  if (body.code === 'internal_error' || body.code === 'unavailable') {
    deps.logger.error('procedure failed', { path, code: body.code, error: describeError(error) });
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const cause = error.cause instanceof Error ? ` (cause: ${describeError(error.cause)})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
