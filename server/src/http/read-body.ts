import type { IncomingMessage } from 'node:http';

import { ApiError } from '../errors.js';

/** Largest request body the API reads. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Reads a request body as UTF-8 text, refusing invalid UTF-8 and bodies past the size limit. */
export async function readBody(
  request: IncomingMessage,
  maxBytes: number = MAX_REQUEST_BODY_BYTES,
): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError('payload_too_large', `Request body is larger than ${maxBytes} bytes`);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      throw new ApiError('payload_too_large', `Request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError('invalid_request', 'body: must be valid UTF-8');
  }
}

/** Parses a JSON request body that must be an object; an empty body counts as `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') {
    return {};
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_request', 'body: must be valid JSON');
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('invalid_request', 'body: must be a JSON object');
  }
  return value as Record<string, unknown>;
}
