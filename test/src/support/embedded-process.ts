import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';

// `npm start` runs this file. The test runs the build output, so build before testing.
const EMBEDDED_ENTRY = fileURLToPath(
  new URL('../../../workflows/dist/main/embedded.js', import.meta.url),
);

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
// How long the dev server may outlive the Node process before it counts as left over.
const GROUP_EXIT_GRACE_MS = 5_000;

// Variables the launcher needs to find or build the Temporal CLI. Nothing else is inherited, so a
// TEMPORAL_ADDRESS or DATABASE_URL in the test's environment cannot redirect the process.
const INHERITED_VARIABLES = ['PATH', 'HOME', 'TEMPORAL_CLI_PATH', 'XDG_CACHE_HOME'] as const;

/** Ports for the API, the Temporal frontend and the Temporal Web UI. Unset ones are picked free. */
export interface EmbeddedPorts {
  api?: number;
  temporal?: number;
  temporalUi?: number;
}

export interface EmbeddedProcessOptions {
  dataDir: string;
  /** Sent as LASSO_BOOTSTRAP_API_KEY, so the process accepts it for workspace `default`. */
  apiKey: string;
  ports?: EmbeddedPorts;
  /**
   * A running Temporal server (host:port) and task queue to use, sent as TEMPORAL_ADDRESS and
   * TEMPORAL_TASK_QUEUE. The process then starts no dev server of its own.
   */
  temporal?: { address: string; taskQueue: string };
}

/** One `npm start` process, started by `startEmbeddedProcess`. */
export interface EmbeddedProcess {
  pid: number;
  /** The API's base URL from the process's startup banner. */
  apiUrl: string;
  /** The Temporal frontend's address (host:port) from the startup banner. */
  temporalAddress: string;
  /**
   * Sends `signal` (SIGINT by default) and resolves with the exit code, or null when a signal
   * ended the process. Throws when the process is still running 30 s later, or when one of its
   * children (the Temporal dev server) outlives it by 5 s. Both get SIGKILL before the throw.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far, interleaved in arrival order. */
  output(): string;
}

/** Opens a TCP server on a port of the OS's choosing on loopback. */
async function listenOnFreePort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

/** Picks free loopback ports, holding all of them open until the last is picked so none repeats. */
async function pickFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let index = 0; index < count; index++) {
      servers.push(await listenOnFreePort());
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

/** Returns true while any process of the group `groupId` is alive. */
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
    // The group is already gone.
  }
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node workflows/dist/main/embedded.js` on loopback with its own ports and data folder,
 * and resolves once its banner shows the API URL and GET /health returns 200. Throws with the
 * process's output when it exits early or is not ready within 120 s, after killing it.
 */
export async function startEmbeddedProcess(
  options: EmbeddedProcessOptions,
): Promise<EmbeddedProcess> {
  await access(EMBEDDED_ENTRY).catch(() => {
    throw new Error(
      `${EMBEDDED_ENTRY} does not exist. Run \`npx turbo run build\` in the repository root first.`,
    );
  });

  const [freeApi, freeTemporal, freeTemporalUi] = await pickFreePorts(3);
  const ports = {
    api: options.ports?.api ?? freeApi!,
    temporal: options.ports?.temporal ?? freeTemporal!,
    temporalUi: options.ports?.temporalUi ?? freeTemporalUi!,
  };

  const env: NodeJS.ProcessEnv = {
    HOST: '127.0.0.1',
    PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.temporalUi),
    DATA_DIR: options.dataDir,
    LASSO_BOOTSTRAP_API_KEY: options.apiKey,
  };
  if (options.temporal !== undefined) {
    env.TEMPORAL_ADDRESS = options.temporal.address;
    env.TEMPORAL_TASK_QUEUE = options.temporal.taskQueue;
  }
  for (const name of INHERITED_VARIABLES) {
    if (process.env[name] !== undefined) {
      env[name] = process.env[name];
    }
  }

  // A group of its own lets a forced stop reach the Temporal dev server, a child of this process.
  const child = spawn(process.execPath, [EMBEDDED_ENTRY], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`failed to spawn ${process.execPath} ${EMBEDDED_ENTRY}`);
  }

  const chunks: string[] = [];
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    chunks.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const output = () => chunks.join('');

  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });

  const waitForExit = async (timeoutMs: number): Promise<boolean> => {
    const timedOut = Symbol('timed out');
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      exited,
      new Promise<typeof timedOut>((resolve) => {
        timer = setTimeout(() => resolve(timedOut), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return result !== timedOut;
  };

  const waitForGroupExit = async (): Promise<boolean> => {
    const deadline = Date.now() + GROUP_EXIT_GRACE_MS;
    while (isGroupAlive(pid)) {
      if (Date.now() > deadline) {
        return false;
      }
      await sleep(100);
    }
    return true;
  };

  const stop = async (signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> => {
    if (exitCode === undefined) {
      child.kill(signal);
      if (!(await waitForExit(STOP_TIMEOUT_MS))) {
        killGroup(pid);
        await exited;
        throw new Error(
          `process ${pid} did not exit within ${STOP_TIMEOUT_MS / 1000} s after ${signal} and was killed with SIGKILL; output:\n${output()}`,
        );
      }
    }

    if (!(await waitForGroupExit())) {
      killGroup(pid);
      throw new Error(
        `process ${pid} exited with code ${exitCode}, but its children were still running ${GROUP_EXIT_GRACE_MS / 1000} s later and were killed with SIGKILL; output:\n${output()}`,
      );
    }
    return exitCode ?? null;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let apiUrl: string | undefined;
  let temporalAddress: string | undefined;
  for (;;) {
    if (exitCode !== undefined) {
      killGroup(pid);
      throw new Error(
        `process ${pid} exited with code ${exitCode} before it was ready; output:\n${output()}`,
      );
    }
    if (Date.now() > deadline) {
      killGroup(pid);
      await exited;
      throw new Error(
        `process ${pid} was not ready within ${READY_TIMEOUT_MS / 1000} s and was killed; output:\n${output()}`,
      );
    }

    apiUrl ??= /^\s*API:\s+(http:\/\/\S+)/m.exec(stdout)?.[1];
    temporalAddress ??= /^\s*Temporal:\s+(\S+)/m.exec(stdout)?.[1];
    if (apiUrl !== undefined && temporalAddress !== undefined && (await isHealthy(apiUrl))) {
      break;
    }
    await sleep(200);
  }

  return { pid, apiUrl, temporalAddress, stop, output };
}

/** Sends a JSON request to a running service with `apiKey` and returns the status and the parsed body. */
export async function callEmbeddedApi(
  running: Pick<EmbeddedProcess, 'apiUrl'>,
  apiKey: string,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(running.apiUrl + urlPath, {
    method,
    headers: {
      Authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/**
 * Creates a table with a webhook to `url` through a running process, completes it and returns the
 * one delivery that started. Throws with the response when a call does not succeed.
 */
export async function deliverTableCompleted(
  running: EmbeddedProcess,
  apiKey: string,
  url: string,
): Promise<any> {
  const created = await callEmbeddedApi(running, apiKey, 'POST', '/api/v1/tables', {
    schema_id: 'sch_invoices',
    name: 'Invoices March',
    file_ids: ['file_1'],
    webhook_url: url,
  });
  if (created.status !== 201) {
    throw new Error(`creating the table failed: ${created.status} ${JSON.stringify(created.body)}`);
  }

  const completePath = `/api/v1/tables/${created.body.id}/complete`;
  const completed = await callEmbeddedApi(running, apiKey, 'POST', completePath, {
    total_rows: 3,
  });
  if (completed.status !== 200) {
    throw new Error(
      `completing the table failed: ${completed.status} ${JSON.stringify(completed.body)}`,
    );
  }

  const listPath = `/api/v1/deliveries?table_id=${created.body.id}`;
  const listed = await callEmbeddedApi(running, apiKey, 'GET', listPath);
  if (listed.body?.data?.length !== 1) {
    throw new Error(`expected one delivery of the table, got ${JSON.stringify(listed.body)}`);
  }
  return listed.body.data[0];
}
