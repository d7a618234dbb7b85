import { isFileSystemError } from './find-on-path.js';

/** Returns whether a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without sending anything.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return isFileSystemError(error) && error.code === 'EPERM';
  }
}
