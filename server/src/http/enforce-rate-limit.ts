import type { IncomingMessage, ServerResponse } from 'node:http';

import { hashApiKey, parseBearerKey } from '../auth/api-keys.js';
import { ApiError } from '../errors.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * Counts a request against the bucket of its API key, by the key's hash. Throws a `rate_limited`
 * ApiError after setting `Retry-After` on the response when the bucket is empty. Call it only after
 * the key authenticated: buckets then exist only for issued keys, so their number stays bounded.
 */
export function enforceRateLimit(
  limiter: RateLimiter,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const key = parseBearerKey(request.headers.authorization);
  if (key === null) {
    return;
  }

  const decision = limiter.take(hashApiKey(key));
  if (decision.allowed) {
    return;
  }
  response.setHeader('Retry-After', String(decision.retryAfterSeconds));
  throw new ApiError(
    'rate_limited',
    `Too many requests with this API key: the limit is ${limiter.limitPerMinute} per minute; retry after ${decision.retryAfterSeconds} s`,
  );
}
