import { mkdir } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';

import type { EphemeralServerExecutable } from '@temporalio/testing';

import {
  cachedTemporalCliPath,
  temporalCliBuildLockPath,
  temporalCliCacheFolder,
} from './cache-path.js';
import { tryAcquireBuildLock, waitForLockRelease } from './build-lock.js';
import { readVariable, type Environment } from './environment.js';
import { findOnPath, isExecutableFile } from './find-on-path.js';
import { buildTemporalCli } from './go-build.js';
import { TEMPORAL_CLI_VERSION } from './version.js';

/** Temporal CLI that `resolveTemporalCli` found, with where it came from. */
export type TemporalCliExecutable =
  | { type: 'existing-path'; path: string; source: 'env' | 'path' | 'cache' | 'built' }
  | { type: 'cached-download'; source: 'sdk-download' };

export interface ResolveTemporalCliOptions {
  /** Receives progress and decision lines. Defaults to stderr with a `[temporal-cli]` prefix. */
  log?: (line: string) => void;
  /**
   * Variables to read TEMPORAL_CLI_PATH, PATH, XDG_CACHE_HOME and HOME from, also passed to `go`.
   * Defaults to `process.env`.
   */
  env?: Environment;
}

const LOCK_WAIT_TIMEOUT_MS = 20 * 60_000;

/**
 * Finds the Temporal CLI, in this order: `TEMPORAL_CLI_PATH`, `temporal` on PATH, the cached Go
 * build, a new Go build into the cache, and without `go` on PATH the SDK's own download.
 * Throws when TEMPORAL_CLI_PATH is not an executable file, when the build fails, or when waiting
 * for another process's build times out after 20 minutes.
 */
export async function resolveTemporalCli(
  options: ResolveTemporalCliOptions = {},
): Promise<TemporalCliExecutable> {
  const log = options.log ?? logToStderr;
  const env = options.env ?? process.env;

  const configuredPath = readVariable(env, 'TEMPORAL_CLI_PATH');
  if (configuredPath !== undefined) {
    const path = resolvePath(configuredPath);
    if (!(await isExecutableFile(path))) {
      throw new Error(
        `TEMPORAL_CLI_PATH is set to ${path}, which is not an executable file. ` +
          'Point it at a temporal binary (check that the file exists and is executable), or unset it to find or build one.',
      );
    }
    log(`Using TEMPORAL_CLI_PATH: ${path}`);
    return { type: 'existing-path', path, source: 'env' };
  }

  const pathValue = readVariable(env, 'PATH');
  const onPath = await findOnPath('temporal', pathValue);
  if (onPath !== undefined) {
    log(`Using temporal from PATH: ${onPath}`);
    return { type: 'existing-path', path: onPath, source: 'path' };
  }

  const cachedPath = cachedTemporalCliPath(env);
  if (await isExecutableFile(cachedPath)) {
    log(`Using the cached build: ${cachedPath}`);
    return { type: 'existing-path', path: cachedPath, source: 'cache' };
  }

  const goPath = await findOnPath('go', pathValue);
  if (goPath === undefined) {
    log(
      `Neither temporal nor go is on PATH and ${cachedPath} does not exist, ` +
        'so the Temporal SDK downloads its own dev server when it starts one.',
    );
    return { type: 'cached-download', source: 'sdk-download' };
  }

  return await buildIntoCache({ goPath, env, log });
}

/** Drops `source`, leaving the executable option that `@temporalio/testing` accepts. */
export function toEphemeralExecutable(resolved: TemporalCliExecutable): EphemeralServerExecutable {
  if (resolved.type === 'existing-path') {
    return { type: 'existing-path', path: resolved.path };
  }
  return { type: 'cached-download' };
}

/**
 * Builds the CLI into the cache while holding the build lock. A process that finds the lock taken
 * waits, then uses the other build's result, or builds itself when that build failed.
 */
async function buildIntoCache(options: {
  goPath: string;
  env: Environment;
  log: (line: string) => void;
}): Promise<TemporalCliExecutable> {
  const { goPath, env, log } = options;
  const binaryPath = cachedTemporalCliPath(env);
  const workFolder = temporalCliCacheFolder(env);
  const lockPath = temporalCliBuildLockPath(env);
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;

  await mkdir(workFolder, { recursive: true });

  for (;;) {
    const lock = await tryAcquireBuildLock(lockPath);

    if (lock !== undefined) {
      try {
        // Another process may have finished a build between the cache check and taking the lock.
        if (await isExecutableFile(binaryPath)) {
          log(`Using the cached build: ${binaryPath}`);
          return { type: 'existing-path', path: binaryPath, source: 'cache' };
        }

        log(`No cached Temporal CLI ${TEMPORAL_CLI_VERSION} at ${binaryPath}.`);
        await buildTemporalCli({ goPath, binaryPath, workFolder, env, log });
        log(`Using the new build: ${binaryPath}`);
        return { type: 'existing-path', path: binaryPath, source: 'built' };
      } finally {
        await lock.release();
      }
    }

    await waitForLockRelease(lockPath, { log, deadline });

    if (await isExecutableFile(binaryPath)) {
      log(`Using the build that the other process finished: ${binaryPath}`);
      return { type: 'existing-path', path: binaryPath, source: 'cache' };
    }
    log(`The build lock is free but ${binaryPath} does not exist, so this process builds it.`);
  }
}

function logToStderr(line: string): void {
  process.stderr.write(`[temporal-cli] ${line}\n`);
}
