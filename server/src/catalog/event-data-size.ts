import { MAX_EVENT_DATA_BYTES } from '@lasso/contracts';

import { ApiError } from '../errors.js';

/** Throws a `payload_too_large` ApiError when an event's `data` is over 256 KiB as JSON. */
export function requireEventDataWithinLimit(data: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(data), 'utf8');
  if (bytes <= MAX_EVENT_DATA_BYTES) {
    return;
  }

  const message = `must be at most ${MAX_EVENT_DATA_BYTES} bytes as JSON, but is ${bytes} bytes`;
  throw new ApiError('payload_too_large', `data: ${message}`, {
    issues: [{ field: 'data', message }],
  });
}
