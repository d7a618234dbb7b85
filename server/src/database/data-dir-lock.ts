import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process, because PGlite and the dev server's SQLite file must
 * not be opened by two processes at once. A lock left by a process that is gone is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  const lockPath = path.join(dataDir, 'lasso.pid');

  for (let tries = 0; tries < 2; tries++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }

    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) {
      throw new Error(
        `The data folder ${dataDir} is in use by process ${owner}. Stop that process, or set DATA_DIR to another folder.`,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new Error(
    `Could not lock the data folder ${dataDir}; remove ${lockPath} if no Lasso process is running.`,
  );
}
