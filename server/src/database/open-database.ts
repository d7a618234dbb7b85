import path from 'node:path';

import type { Database } from './database.js';
import { migrateDatabase } from './migrations.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when unset, PGlite stores the data under `dataDir`. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; undefined keeps it in memory. */
  dataDir?: string | undefined;
}

/** Opens the configured database and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db =
    options.databaseUrl !== undefined
      ? openPostgresDatabase(options.databaseUrl)
      : await openPgliteDatabase(
          options.dataDir === undefined ? undefined : path.join(options.dataDir, 'pglite'),
        );

  try {
    await migrateDatabase(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
