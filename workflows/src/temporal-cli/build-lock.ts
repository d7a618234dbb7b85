import { hostname } from 'node:os';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { isFileSystemError } from './find-on-path.js';
import { formatDuration } from './format-duration.js';
import { isProcessAlive } from './process-alive.js';

/** Lock file contents: the owning process and the time it took the lock. */
interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** Build lock owned by this process. */
export interface BuildLock {
  path: string;
  release(): Promise<void>;
}

export interface WaitForLockReleaseOptions {
  log: (line: string) => void;
  /** Time (from `Date.now()`) after which waiting fails. */
  deadline: number;
  /** Milliseconds between checks of the lock file. */
  pollIntervalMs?: number;
  /** Milliseconds between "still waiting" log lines. */
  progressIntervalMs?: number;
}

// A process that dies between creating the lock file and writing it leaves an empty file. After
// this many milliseconds an unparsable lock file counts as stale.
const INVALID_LOCK_GRACE_MS = 60_000;

/** Creates the lock file with the `wx` flag. Returns undefined when another process owns it. */
export async function tryAcquireBuildLock(lockPath: string): Promise<BuildLock | undefined> {
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  const contents = JSON.stringify(owner);

  try {
    await writeFile(lockPath, contents, { flag: 'wx' });
  } catch (error) {
    if (isFileSystemError(error) && error.code === 'EEXIST') {
      return undefined;
    }
    throw error;
  }

  return {
    path: lockPath,
    release: () => removeLockIfUnchanged(lockPath, contents),
  };
}

/**
 * Polls until the lock file is gone, and deletes it first when its owner is a dead process on
 * this host. Throws when `deadline` passes while the lock is still taken.
 */
export async function waitForLockRelease(
  lockPath: string,
  options: WaitForLockReleaseOptions,
): Promise<void> {
  const { log, deadline, pollIntervalMs = 1000, progressIntervalMs = 15_000 } = options;
  const startedAt = Date.now();
  let nextProgressAt = startedAt + progressIntervalMs;
  let announced = false;

  for (;;) {
    const contents = await readLockFile(lockPath);
    if (contents === undefined) {
      return;
    }

    const owner = parseLockOwner(contents);
    const ownerText = owner ? `pid ${owner.pid} on ${owner.hostname}` : 'an unknown process';

    const staleReason = await findStaleReason(lockPath, owner);
    if (staleReason !== undefined) {
      log(`Removing the stale build lock ${lockPath}, because ${staleReason}.`);
      await removeLockIfUnchanged(lockPath, contents);
      return;
    }

    const now = Date.now();
    if (!announced) {
      log(
        `Waiting for ${ownerText}, which holds the build lock ${lockPath}, to finish building the Temporal CLI.`,
      );
      announced = true;
    } else if (now >= nextProgressAt) {
      log(
        `Still waiting for ${ownerText} to finish building the Temporal CLI (${formatDuration(now - startedAt)} elapsed).`,
      );
      nextProgressAt = now + progressIntervalMs;
    }

    if (now >= deadline) {
      throw new Error(
        `Timed out after ${formatDuration(now - startedAt)} waiting for ${ownerText} to finish building the Temporal CLI. ` +
          `If no build is running, delete the lock file ${lockPath} and run again, ` +
          'or set TEMPORAL_CLI_PATH to an existing temporal binary.',
      );
    }

    await sleep(pollIntervalMs);
  }
}

async function readLockFile(lockPath: string): Promise<string | undefined> {
  try {
    return await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isFileSystemError(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

function parseLockOwner(contents: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(contents);
    if (typeof value !== 'object' || value === null) {
      return undefined;
    }

    const { pid, hostname: ownerHostname, startedAt } = value as Record<string, unknown>;
    if (
      typeof pid !== 'number' ||
      typeof ownerHostname !== 'string' ||
      typeof startedAt !== 'string'
    ) {
      return undefined;
    }
    return { pid, hostname: ownerHostname, startedAt };
  } catch {
    return undefined;
  }
}

/** Returns why the lock is stale, or undefined when its owner may still be building. */
async function findStaleReason(
  lockPath: string,
  owner: LockOwner | undefined,
): Promise<string | undefined> {
  if (owner === undefined) {
    const isOld = await isOlderThan(lockPath, INVALID_LOCK_GRACE_MS);
    return isOld
      ? `it has not contained a valid owner for ${INVALID_LOCK_GRACE_MS / 1000}s`
      : undefined;
  }

  // NOTE: a process on another host (a shared home folder) cannot be checked, so its lock counts
  // as live and only the wait deadline ends the wait.
  if (owner.hostname !== hostname() || isProcessAlive(owner.pid)) {
    return undefined;
  }
  return `pid ${owner.pid} is no longer running`;
}

async function isOlderThan(path: string, ageMs: number): Promise<boolean> {
  try {
    const stats = await stat(path);
    return Date.now() - stats.mtimeMs > ageMs;
  } catch (error) {
    if (isFileSystemError(error) && error.code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

/**
 * Deletes the lock file if it still contains `contents`.
 * NOTE: another process can replace the file between the read and the unlink, and then its fresh
 * lock is deleted. The cost is a second build running at the same time, which is safe because
 * every build writes into its own folder and renames the binary into place.
 */
async function removeLockIfUnchanged(lockPath: string, contents: string): Promise<void> {
  const current = await readLockFile(lockPath);
  if (current !== contents) {
    return;
  }

  try {
    await unlink(lockPath);
  } catch (error) {
    if (isFileSystemError(error) && error.code === 'ENOENT') {
      return;
    }
    throw error;
  }
}
