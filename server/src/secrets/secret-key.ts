import { createHmac } from 'node:crypto';

/** An AES-256 key for secrets at rest, with the id that encrypted values name it by. */
export interface SecretKey {
  /** 8 hex digits derived from the key; it identifies the key without revealing it. */
  id: string;
  bytes: Buffer;
}

export const SECRET_KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// Standard or URL-safe base64 of 32 bytes: 43 characters and one optional `=`.
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Raised for a key that is not 32 bytes in hex or base64; the message never contains the key. */
export class InvalidSecretKeyError extends Error {
  override name = 'InvalidSecretKeyError';
}

/**
 * Reads a 32-byte key written as 64 hex digits or as base64 (standard or URL-safe).
 * Throws InvalidSecretKeyError otherwise.
 */
export function parseSecretKey(text: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (HEX_KEY.test(trimmed)) {
    bytes = Buffer.from(trimmed, 'hex');
  } else if (BASE64_KEY.test(trimmed)) {
    bytes = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  }

  if (bytes === null || bytes.length !== SECRET_KEY_BYTES) {
    throw new InvalidSecretKeyError(
      `must be ${SECRET_KEY_BYTES} random bytes written as 64 hex digits or 44 base64 characters; ` +
        'make one with `openssl rand -base64 32`',
    );
  }
  return { id: secretKeyId(bytes), bytes };
}

// An HMAC under the key itself, so the id distinguishes keys without revealing anything about them.
function secretKeyId(bytes: Buffer): string {
  return createHmac('sha256', bytes).update('lasso secret key id').digest('hex').slice(0, 8);
}
