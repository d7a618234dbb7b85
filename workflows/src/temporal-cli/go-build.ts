import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import type { Environment } from './environment.js';
import { isExecutableFile } from './find-on-path.js';
import { formatDuration } from './format-duration.js';
import { isProcessAlive } from './process-alive.js';
import {
  TEMPORAL_CLI_PACKAGE,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_CLI_VERSION_VARIABLE,
} from './version.js';

export interface BuildTemporalCliOptions {
  /** Absolute path of the `go` command. */
  goPath: string;
  /** Final path of the binary. */
  binaryPath: string;
  /**
   * Folder for the temporary GOBIN. It must be on the same file system as `binaryPath` so that
   * `rename` is atomic.
   */
  workFolder: string;
  /** Environment for `go`, which gets GOBIN added. */
  env: Environment;
  log: (line: string) => void;
}

const PROGRESS_INTERVAL_MS = 15_000;
const OUTPUT_LINES_IN_ERROR = 20;
const BUILD_FOLDER_PREFIX = `build-${TEMPORAL_CLI_VERSION}-pid`;

const execFileAsync = promisify(execFile);

/**
 * Builds the pinned Temporal CLI with `go install` into a fresh GOBIN inside `workFolder`, checks
 * that it reports the pinned version, then renames it to `binaryPath`. A crash leaves no partial
 * file at `binaryPath`. The caller must hold the build lock.
 * Throws with the last lines of go's output when the build fails.
 */
export async function buildTemporalCli(options: BuildTemporalCliOptions): Promise<void> {
  const { binaryPath, workFolder, log } = options;

  await mkdir(workFolder, { recursive: true });
  await removeAbandonedBuildFolders(workFolder, log);
  const goBin = await mkdtemp(join(workFolder, `${BUILD_FOLDER_PREFIX}${process.pid}-`));

  try {
    await runGoInstall(goBin, options);

    const builtPath = join(goBin, 'temporal');
    if (!(await isExecutableFile(builtPath))) {
      throw new Error(
        `go install exited with status 0 but wrote no executable ${builtPath}. Set TEMPORAL_CLI_PATH to a temporal binary instead.`,
      );
    }
    await checkVersion(builtPath);

    await mkdir(dirname(binaryPath), { recursive: true });
    await rename(builtPath, binaryPath);
  } finally {
    await rm(goBin, { recursive: true, force: true });
  }
}

async function runGoInstall(goBin: string, options: BuildTemporalCliOptions): Promise<void> {
  const { goPath, env, log } = options;
  const target = `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`;
  const startedAt = Date.now();
  const recentLines: string[] = [];

  log(
    `Building the Temporal CLI with \`go install ${target}\`. The first build downloads modules ` +
      'and compiles them, which takes several minutes. Later runs reuse the result.',
  );

  // The flags and CGO_ENABLED=0 match the release build in .goreleaser.yml of CLI v1.5.1.
  // Without the -X flag, `temporal --version` prints 0.0.0-DEV.
  const ldflags = `-s -w -X ${TEMPORAL_CLI_VERSION_VARIABLE}=${TEMPORAL_CLI_VERSION.replace(/^v/, '')}`;

  // The build folder is the working directory, so a go.mod or go.work in the caller's folder
  // cannot affect the build.
  const child = spawn(goPath, ['install', `-ldflags=${ldflags}`, target], {
    cwd: goBin,
    env: { ...env, GOBIN: goBin, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const forwardLine = (line: string): void => {
    log(line);
    recentLines.push(line);
    if (recentLines.length > OUTPUT_LINES_IN_ERROR) {
      recentLines.shift();
    }
  };
  createInterface({ input: child.stdout }).on('line', forwardLine);
  createInterface({ input: child.stderr }).on('line', forwardLine);

  // Compiling prints nothing, so a timer shows that the build is still running.
  const progressTimer = setInterval(() => {
    log(`Still building the Temporal CLI (${formatDuration(Date.now() - startedAt)} elapsed).`);
  }, PROGRESS_INTERVAL_MS);

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
  } finally {
    clearInterval(progressTimer);
  }

  if (exit.code !== 0) {
    const status = exit.signal === null ? `exit status ${exit.code}` : `signal ${exit.signal}`;
    throw new Error(
      `go install ${target} failed with ${status} after ${formatDuration(Date.now() - startedAt)}. ` +
        `Last lines of its output:\n${recentLines.join('\n')}\n` +
        'Fix the cause above (often network access to the Go module proxy, see GOPROXY, or a Go toolchain ' +
        'older than the module requires), or set TEMPORAL_CLI_PATH to an existing temporal binary.',
    );
  }

  log(`Built the Temporal CLI in ${formatDuration(Date.now() - startedAt)}.`);
}

/** Runs `temporal --version` and throws unless the output contains the pinned version as a word. */
async function checkVersion(builtPath: string): Promise<void> {
  const expected = TEMPORAL_CLI_VERSION.replace(/^v/, '');
  const { stdout } = await execFileAsync(builtPath, ['--version']);

  if (!stdout.split(/\s+/).includes(expected)) {
    throw new Error(
      `The built ${builtPath} printed "${stdout.trim()}" for --version, but version ${expected} was expected. ` +
        'Set TEMPORAL_CLI_PATH to a temporal binary instead.',
    );
  }
}

/**
 * Deletes build folders left by killed builds on this host. The folder name contains the builder's
 * pid, and a folder whose process is still running is kept.
 */
async function removeAbandonedBuildFolders(
  workFolder: string,
  log: (line: string) => void,
): Promise<void> {
  for (const entry of await readdir(workFolder)) {
    if (!entry.startsWith(BUILD_FOLDER_PREFIX)) {
      continue;
    }

    const pid = Number.parseInt(entry.slice(BUILD_FOLDER_PREFIX.length), 10);
    if (Number.isNaN(pid) || isProcessAlive(pid)) {
      continue;
    }

    log(
      `Removing the build folder ${join(workFolder, entry)} of a build (pid ${pid}) that did not finish.`,
    );
    await rm(join(workFolder, entry), { recursive: true, force: true });
  }
}
