// Creates a PGlite database folder and exits: `node initialize-pglite.js <folder>`. The service runs
// this in a child process the first time, because initdb's memory stays with the process that ran it.
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: node initialize-pglite.js <data folder>\n');
  process.exit(2);
}

const db = await PGlite.create(dataDir);
await db.close();
