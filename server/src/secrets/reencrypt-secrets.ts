import type { Queryable } from '../database/database.js';
import type { SecretBox } from './secret-box.js';

// Every column that contains a secret, by table. The names are fixed here, never taken from input.
const SECRET_COLUMNS = [
  { table: 'tables', columns: ['webhook_secret', 'webhook_auth_header_value'] },
  { table: 'catalog_webhooks', columns: ['secret', 'auth_header_value'] },
] as const;

/** How many stored values a rotation rewrote, and how many were already current. */
export interface ReencryptResult {
  rewritten: number;
  alreadyCurrent: number;
}

/**
 * Rewrites every stored secret and auth header value that is not in the form `box.seal` writes
 * now: encrypted under the current key, or plaintext when no key is set. Each value is read with
 * the current or a previous key. A value changed by someone else in the meantime is left alone,
 * since that writer already stored it in the current form.
 */
export async function reencryptStoredSecrets(
  db: Queryable,
  box: SecretBox,
): Promise<ReencryptResult> {
  const result: ReencryptResult = { rewritten: 0, alreadyCurrent: 0 };

  for (const { table, columns } of SECRET_COLUMNS) {
    for (const column of columns) {
      const rows = await db.query<{ id: string; value: string }>(
        `SELECT id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL ORDER BY id`,
      );
      for (const row of rows) {
        if (box.isCurrent(row.value)) {
          result.alreadyCurrent++;
          continue;
        }
        const resealed = box.seal(box.open(row.value));
        // Compare-and-set: an API update that landed since the read keeps its newer value.
        await db.query(`UPDATE ${table} SET ${column} = $1 WHERE id = $2 AND ${column} = $3`, [
          resealed,
          row.id,
          row.value,
        ]);
        result.rewritten++;
      }
    }
  }
  return result;
}
