import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, open, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { diskUsageMB, listChildProcesses } from './proc-stats.js';

// The same entry point `npm start` runs, from the build output.
const EMBEDDED_ENTRY = fileURLToPath(
  new URL('../../../workflows/dist/main/embedded.js', import.meta.url),
);

const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

// Only what the launcher needs to find the Temporal CLI is inherited, so a DATABASE_URL or
// TEMPORAL_ADDRESS in the caller's shell cannot point the benchmark at another stack.
const INHERITED_VARIABLES = ['PATH', 'HOME', 'TEMPORAL_CLI_PATH', 'XDG_CACHE_HOME'] as const;

/** The `npm start` process under test, with the paths and ids the measurements need. */
export interface ServiceProcess {
  pid: number;
  apiUrl: string;
  apiKey: string;
  /** The Temporal frontend (host:port) from the startup banner. */
  temporalAddress: string;
  dataDir: string;
  logPath: string;
  /** Pid of the Temporal dev server, a child of the service process. */
  temporalPid: number | null;
  /** Size of the Temporal dev server's SQLite file with its write-ahead log, in MB. */
  temporalFileMB(): number;
  /** Size of the PGlite data folder, in MB. */
  databaseMB(): number;
  /** Stops the process with SIGINT and waits for it and its children; SIGKILL after 60 s. */
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  workDir: string;
  /** Extra Node options for the service, such as `--cpu-prof`. */
  nodeOptions?: string[];
  /** Variables set on top of the benchmark's own, such as TEMPORAL_ADDRESS to try another server. */
  extraEnv?: Record<string, string>;
}

async function pickFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function isHealthy(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function isGroupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(groupId: number): void {
  try {
    process.kill(-groupId, 'SIGKILL');
  } catch {
    // The group has already exited.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readLogTail(logPath: string): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return text.split('\n').slice(-40).join('\n');
}

/**
 * Starts `node workflows/dist/main/embedded.js` with a fresh data folder under `workDir` and free
 * loopback ports, writing its output to a log file rather than through this process. Resolves once
 * the banner shows the API URL and GET /health returns 200. Throws with the end of the log when the
 * process exits early or is not ready within 180 s.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  await access(EMBEDDED_ENTRY).catch(() => {
    throw new Error(
      `${EMBEDDED_ENTRY} is missing; run \`npm run build\` in the repository root first`,
    );
  });

  const dataDir = path.join(options.workDir, 'data');
  const logPath = path.join(options.workDir, 'service.log');
  const apiKey = `lasso_bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    HOST: '127.0.0.1',
    PORT: String(await pickFreePort()),
    TEMPORAL_PORT: String(await pickFreePort()),
    TEMPORAL_UI_PORT: String(await pickFreePort()),
    DATA_DIR: dataDir,
    LASSO_BOOTSTRAP_API_KEY: apiKey,
    // The per-key limit (600 a minute by default) would cap every scenario at 10 requests a second,
    // which measures the limiter instead of the stack.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    // The receivers listen on loopback; `npm start` opens it by default, this only makes it explicit.
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128',
    // The limit on glibc's malloc arenas that the `npm start` script sets.
    MALLOC_ARENA_MAX: '2',
  };
  for (const name of INHERITED_VARIABLES) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name];
    }
  }
  Object.assign(env, options.extraEnv);

  const log = await open(logPath, 'w');
  // A process group of its own lets a forced stop reach the Temporal dev server too.
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), EMBEDDED_ENTRY],
    {
      env,
      cwd: options.workDir,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    },
  );
  await log.close();
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`failed to spawn ${process.execPath} ${EMBEDDED_ENTRY}`);
  }

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    });
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let apiUrl: string | undefined;
  let temporalAddress: string | undefined;
  for (;;) {
    if (exitCode !== undefined) {
      killGroup(pid);
      throw new Error(
        `service process exited with code ${exitCode} before it was ready; end of ${logPath}:\n${await readLogTail(logPath)}`,
      );
    }
    if (Date.now() > deadline) {
      killGroup(pid);
      throw new Error(
        `service process was not ready within ${READY_TIMEOUT_MS / 1000} s; end of ${logPath}:\n${await readLogTail(logPath)}`,
      );
    }
    const text = await readFile(logPath, 'utf8').catch(() => '');
    apiUrl ??= /^\s*API:\s+(http:\/\/\S+)/m.exec(text)?.[1];
    temporalAddress ??= /^\s*Temporal:\s+(\S+)/m.exec(text)?.[1];
    if (apiUrl !== undefined && temporalAddress !== undefined && (await isHealthy(apiUrl))) {
      break;
    }
    await sleep(250);
  }

  const temporalPid =
    listChildProcesses(pid).find((entry) => entry.command.startsWith('temporal'))?.pid ?? null;
  const temporalFile = path.join(dataDir, 'temporal.db');

  return {
    pid,
    apiUrl,
    apiKey,
    temporalAddress,
    dataDir,
    logPath,
    temporalPid,
    temporalFileMB: () =>
      diskUsageMB(temporalFile) +
      diskUsageMB(`${temporalFile}-wal`) +
      diskUsageMB(`${temporalFile}-shm`),
    databaseMB: () => diskUsageMB(path.join(dataDir, 'pglite')),

    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGINT');
        const stopped = await Promise.race([
          exited.then(() => true),
          sleep(STOP_TIMEOUT_MS).then(() => false),
        ]);
        if (!stopped) {
          killGroup(pid);
          await exited;
        }
      }
      const groupDeadline = Date.now() + 10_000;
      while (isGroupAlive(pid) && Date.now() < groupDeadline) {
        await sleep(100);
      }
      killGroup(pid);
    },
  };
}
