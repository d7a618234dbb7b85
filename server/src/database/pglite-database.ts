import { mkdir } from 'node:fs/promises';

import { PGlite } from '@electric-sql/pglite';

import type { Database, Queryable } from './database.js';

/**
 * Opens PGlite, PostgreSQL compiled to WebAssembly and run in this process, stored in `dataDir`
 * (or in memory when it is undefined). Only one process may open a given folder at a time.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create(dataDir);

  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async execute(sql: string) {
      await target.exec(sql);
    },
  });

  return {
    kind: 'pglite',
    ...wrap(pglite),
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx))),
    close: () => pglite.close(),
  };
}
