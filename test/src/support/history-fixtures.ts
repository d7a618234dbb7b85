import { fileURLToPath } from 'node:url';

/** Folder of recorded workflow histories that every test run replays against the current code. */
export const HISTORY_FIXTURES_DIR = fileURLToPath(
  new URL('../../fixtures/histories', import.meta.url),
);
