import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** Returns whether `path` is a regular file (after symlinks) that this process may execute. */
export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const stats = await stat(path);
    if (!stats.isFile()) {
      return false;
    }

    await access(path, constants.X_OK);
    return true;
  } catch (error) {
    if (isFileSystemError(error)) {
      return false;
    }
    throw error;
  }
}

/**
 * Searches the entries of a `PATH` value in order and returns the first executable file called
 * `name`. Empty and relative entries are skipped, because they resolve against the working
 * directory.
 */
// TODO(temporal-cli): Windows needs PATHEXT handling (`temporal.exe`), so only POSIX works now.
export async function findOnPath(
  name: string,
  pathValue: string | undefined,
): Promise<string | undefined> {
  if (pathValue === undefined) {
    return undefined;
  }

  for (const folder of pathValue.split(delimiter)) {
    if (folder === '' || !isAbsolute(folder)) {
      continue;
    }

    const candidate = join(folder, name);
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }

  return undefined;
}

/**
 * Returns whether `error` is a Node.js system error, such as ENOENT or EACCES, rather than a bug.
 */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
