import { createHash, randomBytes } from 'node:crypto';

import { API_KEY_PREFIX, apiKeySchema } from '@lasso/contracts';

import type { Queryable } from '../database/database.js';
import { generateId } from '../ids.js';

/** Makes a new random API key: `lasso_` and 32 URL-safe characters (192 bits). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

// Keys are 192 random bits, so one SHA-256 pass is enough: there is nothing to brute-force.
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** First characters of a key, stored so a person can tell keys apart without the key itself. */
function keyHint(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 4)}…`;
}

export interface ApiKeyRecord {
  id: string;
  workspace: string;
  key_hint: string;
  description: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

/** Stores a key's hash for a workspace; returns the record (never the key). */
export async function storeApiKey(
  db: Queryable,
  options: { key: string; workspace: string; description?: string },
): Promise<ApiKeyRecord> {
  const rows = await db.query<ApiKeyRecord>(
    `INSERT INTO api_keys (id, workspace, key_hash, key_hint, description)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO UPDATE SET workspace = EXCLUDED.workspace, revoked_at = NULL
     RETURNING id, workspace, key_hint, description, created_at, revoked_at`,
    [
      generateId('apiKey'),
      options.workspace,
      hashApiKey(options.key),
      keyHint(options.key),
      options.description ?? null,
    ],
  );
  return rows[0] as ApiKeyRecord;
}

/**
 * Finds the workspace of an Authorization header value, or null when the key is missing, malformed,
 * unknown or revoked. The lookup is by hash, so no comparison ever touches the key itself.
 */
export async function authenticateApiKey(
  db: Queryable,
  authorization: string | undefined,
): Promise<string | null> {
  const key = parseBearerKey(authorization);
  if (key === null) {
    return null;
  }

  const rows = await db.query<{ workspace: string }>(
    'SELECT workspace FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  return rows[0]?.workspace ?? null;
}

/** Reads the API key from an `Authorization: Bearer <key>` value; null when it is missing or malformed. */
export function parseBearerKey(authorization: string | undefined): string | null {
  if (authorization === undefined) {
    return null;
  }

  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const key = match?.[1];
  if (key === undefined || !apiKeySchema.safeParse(key).success) {
    return null;
  }
  return key;
}

export async function listApiKeys(db: Queryable, workspace?: string): Promise<ApiKeyRecord[]> {
  return db.query<ApiKeyRecord>(
    `SELECT id, workspace, key_hint, description, created_at, revoked_at FROM api_keys
     WHERE ($1::text IS NULL OR workspace = $1) ORDER BY id`,
    [workspace ?? null],
  );
}

/** Revokes a key by id; returns false when no such active key exists. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [id],
  );
  return rows.length > 0;
}
