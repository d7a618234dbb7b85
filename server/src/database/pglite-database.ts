import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { PGlite } from '@electric-sql/pglite';

import type { Database, Queryable } from './database.js';

// PostgreSQL's buffer cache lives in PGlite's WebAssembly memory, which grows and never shrinks, so
// every page cached once stays resident, up to the default 128 MB. The operating system caches the
// data files as well, so a smaller cache costs little.
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

/**
 * Opens PGlite, PostgreSQL compiled to WebAssembly and run in this process, stored in `dataDir`
 * (or in memory when it is undefined). Only one process may open a given folder at a time.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    await initializeInChildProcess(dataDir);
  }
  const pglite = await PGlite.create(dataDir, { postgresqlconf: PGLITE_SETTINGS });

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

const INITIALIZE_SCRIPT = fileURLToPath(new URL('./initialize-pglite.js', import.meta.url));

/**
 * Runs initdb for a new folder in a child process. Run in this process, it would leave resident
 * memory behind that the service never uses again (about 500 MB with PGlite 0.5.17 on Node 20).
 */
async function initializeInChildProcess(dataDir: string): Promise<void> {
  const initialized = await access(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (initialized) {
    return;
  }

  try {
    await promisify(execFile)(process.execPath, [INITIALIZE_SCRIPT, dataDir]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `could not create the embedded database in ${dataDir}: ${stderr || String(error)}; ` +
        'check that the folder is writable, or remove it if an earlier start was cut off',
      { cause: error },
    );
  }
}
