import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

import { readVariable, type Environment } from './environment.js';
import { TEMPORAL_CLI_VERSION } from './version.js';

/** Returns the user's cache folder: `$XDG_CACHE_HOME`, else `~/.cache`. */
export function userCacheFolder(env: Environment = process.env): string {
  const xdgCacheHome = readVariable(env, 'XDG_CACHE_HOME');

  // The XDG Base Directory Specification calls a relative path invalid, to be ignored.
  if (xdgCacheHome !== undefined && isAbsolute(xdgCacheHome)) {
    return xdgCacheHome;
  }

  return join(readVariable(env, 'HOME') ?? homedir(), '.cache');
}

/**
 * Returns the folder that contains one subfolder per Temporal CLI version, the build lock and the
 * build folders.
 */
export function temporalCliCacheFolder(env: Environment = process.env): string {
  return join(userCacheFolder(env), 'lasso-webhooks', 'temporal-cli');
}

/** Returns where the Go build puts the pinned Temporal CLI binary. */
export function cachedTemporalCliPath(env: Environment = process.env): string {
  return join(temporalCliCacheFolder(env), TEMPORAL_CLI_VERSION, 'temporal');
}

/** Returns the lock file that one process creates while it builds the pinned version. */
export function temporalCliBuildLockPath(env: Environment = process.env): string {
  return join(temporalCliCacheFolder(env), `${TEMPORAL_CLI_VERSION}.lock`);
}
