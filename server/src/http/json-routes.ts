import type { AppCaller } from '../routers/app-router.js';

/** One route of the plain JSON API and the procedure it calls. */
export interface JsonRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with `:name` parameters, which become input fields of the same name. */
  pattern: string;
  /** Where the other input fields come from. */
  inputFrom: 'query' | 'body';
  successStatus: number;
  // The procedure validates its input with the contract schema, so unknown input is safe to pass.
  call: (caller: AppCaller, input: never) => Promise<unknown>;
}

export const JSON_ROUTES: JsonRoute[] = [
  {
    method: 'POST',
    pattern: '/api/v1/tables',
    inputFrom: 'body',
    successStatus: 201,
    call: (c, i) => c.tables.create(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/tables',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.tables.list(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/tables/:table_id',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.tables.get(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/tables/:table_id/complete',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.tables.complete(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/tables/:table_id/fail',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.tables.fail(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/deliveries',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.deliveries.list(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/deliveries/:delivery_id',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.deliveries.get(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/deliveries/:delivery_id/cancel',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.deliveries.cancel(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/deliveries/:delivery_id/replay',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.deliveries.replay(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/deliveries/recover',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.deliveries.recover(i),
  },
  {
    method: 'POST',
    pattern: '/api/v1/catalog/webhooks',
    inputFrom: 'body',
    successStatus: 201,
    call: (c, i) => c.catalogWebhooks.create(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/catalog/webhooks',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.catalogWebhooks.list(i),
  },
  {
    method: 'GET',
    pattern: '/api/v1/catalog/webhooks/:webhook_id',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.catalogWebhooks.get(i),
  },
  {
    method: 'PATCH',
    pattern: '/api/v1/catalog/webhooks/:webhook_id',
    inputFrom: 'body',
    successStatus: 200,
    call: (c, i) => c.catalogWebhooks.update(i),
  },
  {
    method: 'DELETE',
    pattern: '/api/v1/catalog/webhooks/:webhook_id',
    inputFrom: 'query',
    successStatus: 200,
    call: (c, i) => c.catalogWebhooks.delete(i),
  },
  // 202: the event is stored and its deliveries go out in the background.
  {
    method: 'POST',
    pattern: '/api/v1/events',
    inputFrom: 'body',
    successStatus: 202,
    call: (c, i) => c.events.publish(i),
  },
];

/** A route matched against a request path, with its path parameters decoded. */
export interface RouteMatch {
  route: JsonRoute;
  params: Record<string, string>;
}

/**
 * Finds the route for a method and path. Returns `allowed` methods instead when the path exists
 * under other methods only, so the caller can answer 405.
 */
export function matchJsonRoute(
  method: string,
  pathname: string,
): RouteMatch | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const route of JSON_ROUTES) {
    const params = matchPattern(route.pattern, pathname);
    if (params === null) {
      continue;
    }
    if (route.method === method) {
      return { route, params };
    }
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : null;
}

function matchPattern(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split('/');
  const pathParts = pathname.replace(/\/+$/, '').split('/');
  if (patternParts.length !== pathParts.length) {
    return null;
  }

  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}
