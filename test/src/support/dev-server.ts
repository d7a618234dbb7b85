import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

import { Connection } from '@temporalio/client';

import { DELIVERY_SEARCH_ATTRIBUTES } from '@lasso/contracts';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Options of `startDevServer`. */
export interface DevServerOptions {
  /** Path of the `temporal` executable. */
  cliPath: string;
  /** SQLite file the server keeps its state in; a server started again on it finds its workflows and timers. */
  dbFilename: string;
  /** Frontend gRPC port on 127.0.0.1; a free one when unset. */
  port?: number;
}

/** A `temporal server start-dev` process that this test started and may kill. */
export interface DevServer {
  pid: number;
  port: number;
  /** host:port of the frontend. */
  address: string;
  /**
   * Sends `signal` and resolves once the process has exited. SIGTERM is followed by SIGKILL when
   * the process is still running 15 s later.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/** Returns a port that was free on 127.0.0.1 a moment ago. */
export async function pickFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Returns true once the frontend responds and namespace `default` has every delivery search attribute. */
async function isReady(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    const listed = await connection.withDeadline(Date.now() + 2_000, () =>
      connection!.operatorService.listSearchAttributes({ namespace: 'default' }),
    );
    const registered = Object.keys(listed.customAttributes ?? {});
    return Object.values(DELIVERY_SEARCH_ATTRIBUTES).every((name) => registered.includes(name));
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}

/**
 * Starts the Temporal CLI's dev server on 127.0.0.1 with namespace `default` and the delivery search
 * attributes, and resolves once it serves them. Throws with the server's output when it exits early
 * or is not ready within 60 s, after killing it.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await pickFreePort());
  const address = `127.0.0.1:${port}`;
  const searchAttributeArgs = Object.values(DELIVERY_SEARCH_ATTRIBUTES).flatMap((name) => [
    '--search-attribute',
    `${name}=Keyword`,
  ]);

  const child = spawn(
    options.cliPath,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--db-filename',
      options.dbFilename,
      '--namespace',
      'default',
      ...searchAttributeArgs,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`failed to spawn ${options.cliPath} server start-dev`);
  }

  const chunks: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const output = () => chunks.join('');

  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited) {
      return;
    }
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(address))) {
    if (exited) {
      throw new Error(
        `temporal dev server ${pid} exited before it was ready; output:\n${output()}`,
      );
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(
        `temporal dev server ${pid} was not ready within ${READY_TIMEOUT_MS / 1000} s and was killed; output:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return { pid, port, address, stop, output };
}
