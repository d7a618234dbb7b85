import { createHmac, timingSafeEqual } from 'node:crypto';

import { SIGNATURE_PREFIX } from '@lasso/contracts';

/**
 * Signs a webhook body as `sha256=` plus the lowercase hex HMAC-SHA256 (RFC 2104) of its exact
 * bytes, keyed with the UTF-8 bytes of `secret`. Throws a TypeError when `secret` is empty or
 * `body` is neither a string nor bytes.
 */
export function signPayload(body: string | Uint8Array, secret: string): string {
  requireSecret(secret);

  const digest = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(toBytes(body))
    .digest('hex');
  return SIGNATURE_PREFIX + digest;
}

/**
 * Checks an `X-Lasso-Signature` header value against the body in constant time, returning false
 * for a missing or malformed header. Throws a TypeError when `secret` is empty or `body` is
 * neither a string nor bytes.
 */
export function verifySignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
): boolean {
  const expected = Buffer.from(signPayload(body, secret), 'utf8');
  if (typeof header !== 'string') {
    return false;
  }

  const received = Buffer.from(header, 'utf8');

  // timingSafeEqual throws on buffers of different lengths. The length of a valid signature is
  // public, so returning early here leaks nothing about the secret.
  if (received.length !== expected.length) {
    return false;
  }

  return timingSafeEqual(received, expected);
}

// An empty key would make every signature computable by anyone, so it is a configuration error.
function requireSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('secret must be a non-empty string');
  }
}

function toBytes(body: string | Uint8Array): Buffer {
  if (typeof body === 'string') {
    return Buffer.from(body, 'utf8');
  }

  if (body instanceof Uint8Array) {
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  throw new TypeError(
    'body must be the raw request body as a string or bytes, not a parsed object',
  );
}
