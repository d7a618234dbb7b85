import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import type { SecretKey } from './secret-key.js';

const ENCRYPTED_PREFIX = 'enc:v1:';
// Marks a value stored unencrypted that would otherwise read as encrypted or as marked.
const PLAIN_PREFIX = 'plain:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a stored secret cannot be decrypted; the message names the key id, never the value. */
export class SecretUnreadableError extends Error {
  override name = 'SecretUnreadableError';
}

/**
 * Encrypts webhook secrets and auth header values for the database with AES-256-GCM, and reads
 * them back. A stored value is `enc:v1:<key id>:<iv>:<ciphertext and tag>` (base64url), so rows
 * under an older key and rows stored before a key was set stay readable. Without a current key,
 * values are stored as given.
 */
export class SecretBox {
  readonly currentKey: SecretKey | null;
  private readonly keysById: Map<string, SecretKey>;

  constructor(
    keys: { current?: SecretKey | undefined; previous?: readonly SecretKey[] | undefined } = {},
  ) {
    this.currentKey = keys.current ?? null;
    this.keysById = new Map();
    for (const key of [...(keys.previous ?? []), ...(this.currentKey ? [this.currentKey] : [])]) {
      this.keysById.set(key.id, key);
    }
  }

  /** Returns the form to store: encrypted under the current key, or the value itself without one. */
  seal(plaintext: string): string {
    const key = this.currentKey;
    if (key === null) {
      const needsMark =
        plaintext.startsWith(ENCRYPTED_PREFIX) || plaintext.startsWith(PLAIN_PREFIX);
      return needsMark ? PLAIN_PREFIX + plaintext : plaintext;
    }

    const header = `${ENCRYPTED_PREFIX}${key.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    // The header is authenticated too, so a value cannot be moved under another key id or version.
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const sealed = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${header}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
  }

  /**
   * Returns the plaintext of a stored value. Throws SecretUnreadableError when it was encrypted under a
   * key this box does not have, or does not decrypt.
   */
  open(stored: string): string {
    if (stored.startsWith(PLAIN_PREFIX)) {
      return stored.slice(PLAIN_PREFIX.length);
    }
    if (!stored.startsWith(ENCRYPTED_PREFIX)) {
      return stored;
    }

    const [keyId, ivText, sealedText, ...rest] = stored.slice(ENCRYPTED_PREFIX.length).split(':');
    if (
      keyId === undefined ||
      ivText === undefined ||
      sealedText === undefined ||
      rest.length > 0
    ) {
      throw new SecretUnreadableError('a stored secret is not in the enc:v1 format');
    }
    const key = this.keysById.get(keyId);
    if (key === undefined) {
      throw new SecretUnreadableError(
        `a stored secret is encrypted with key ${keyId}, which is neither LASSO_SECRET_KEY nor one of LASSO_PREVIOUS_SECRET_KEYS`,
      );
    }

    const iv = Buffer.from(ivText, 'base64url');
    const sealed = Buffer.from(sealedText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv);
      decipher.setAAD(Buffer.from(`${ENCRYPTED_PREFIX}${keyId}`, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new SecretUnreadableError(
        `a stored secret under key ${keyId} failed authentication; the row was altered or is damaged`,
        {
          cause: error,
        },
      );
    }
  }

  /** True when a stored value is already in the form `seal` writes now, so rotation can skip it. */
  isCurrent(stored: string): boolean {
    if (this.currentKey === null) {
      return !stored.startsWith(ENCRYPTED_PREFIX);
    }
    return stored.startsWith(`${ENCRYPTED_PREFIX}${this.currentKey.id}:`);
  }
}

/** Describes how secrets are stored, for a startup line; it names the key id, never the key. */
export function describeSecretStorage(box: SecretBox): string {
  return box.currentKey === null
    ? 'stored unencrypted (LASSO_SECRET_KEY is not set)'
    : `encrypted with AES-256-GCM under key ${box.currentKey.id}`;
}
