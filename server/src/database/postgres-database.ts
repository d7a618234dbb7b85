import pg from 'pg';

import { DatabaseUnavailableError, type Database, type Queryable } from './database.js';

// Error classes of node-postgres and the OS that mean the server is unreachable, not that a query is wrong.
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P03',
]);

function normalizeError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) {
    return new DatabaseUnavailableError(`PostgreSQL is unreachable (${code})`, { cause: error });
  }
  return error;
}

/** Creates a connection pool for the PostgreSQL server at `url`; connections open on first use. */
export function openPostgresDatabase(
  url: string,
  options: { maxConnections?: number } = {},
): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });

  // An idle client that loses its connection emits an error on the pool; without a listener it would crash the process.
  pool.on('error', (error) => {
    console.error(
      JSON.stringify({
        level: 'error',
        message: 'PostgreSQL connection lost',
        error: error.message,
      }),
    );
  });

  const run = async <Row>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params: readonly unknown[] = [],
  ) => {
    try {
      const result = await client.query(sql, params as unknown[]);
      return result.rows as Row[];
    } catch (error) {
      throw normalizeError(error);
    }
  };

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    execute: async (sql) => {
      await run(pool, sql);
    },

    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw normalizeError(error);
      }

      const tx: Queryable = {
        query: (sql, params) => run(client, sql, params),
        execute: async (sql) => {
          await run(client, sql);
        },
      };
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    close: () => pool.end(),
  };
}
