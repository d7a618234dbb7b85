import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { abandonWebhookDeliveries } from '../support/abandoned-deliveries.js';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery } from '../support/tables.js';
import { startTestStack, TEST_UI_URL, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

// The test runs the build output, so build before testing.
const CLI_ENTRY = fileURLToPath(new URL('../../../client/dist/cli/main.js', import.meta.url));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stack: TestStack;
let failing: RecordingReceiver;
let healthy: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  failing = await startRecordingReceiver(() => ({ status: 503 }));
  healthy = await startRecordingReceiver();
});

afterAll(async () => {
  await Promise.all([failing?.close(), healthy?.close()]);
  await stack?.close();
});

/**
 * Starts `lasso` with `args` against the test stack. Only PATH is inherited, so no LASSO_URL of the
 * test's environment can redirect it. `onStdout` receives the output so far after every chunk.
 */
function startLasso(
  args: string[],
  options: {
    env?: Record<string, string>;
    onStdout?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void;
  } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      LASSO_URL: stack.baseUrl,
      LASSO_API_KEY: stack.apiKey,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    options.onStdout?.(stdout, (signal) => child.kill(signal));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Creates and completes a table whose webhook goes to `url` and returns its delivery. */
async function deliveryTo(url: string): Promise<any> {
  const table = await createTable(stack, { webhook_url: url });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 5 } });
  return waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });
}

async function waitForStatus(deliveryId: string, status: string): Promise<any> {
  return waitFor(`${deliveryId} to be ${status}`, async () => {
    const delivery = await getDelivery(stack, deliveryId);
    return delivery.status === status ? delivery : undefined;
  });
}

/** Picks a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('lasso deliveries list', () => {
  it('prints the deliveries of a table as a table', async () => {
    const delivery = await deliveryTo(`${healthy.url}/cli-list`);
    await waitForStatus(delivery.id, 'succeeded');

    const run = await startLasso(['deliveries', 'list', '--table', delivery.table_id]);

    expect(run.code).toBe(0);
    const [header, row, ...rest] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+EVENT\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+CREATED\s+URL$/);
    expect(row).toMatch(
      new RegExp(
        `^${delivery.id}  table\\.completed  succeeded  1 +- +\\S+Z  ${healthy.url}/cli-list$`,
      ),
    );
    expect(rest).toEqual([]);
    expect(run.stderr).toBe('');
  });

  it('prints every page as JSON', async () => {
    const first = await deliveryTo(`${healthy.url}/cli-list-json`);
    const second = await deliveryTo(`${healthy.url}/cli-list-json`);

    const run = await startLasso([
      'deliveries',
      'list',
      '--event',
      'table.completed',
      '--limit',
      '1',
      '--all',
      '--json',
    ]);

    expect(run.code).toBe(0);
    const page = JSON.parse(run.stdout);
    expect(page.next_cursor).toBeNull();
    expect(page.data.map((delivery: any) => delivery.id)).toEqual(
      expect.arrayContaining([first.id, second.id]),
    );
  });
});

describe('lasso deliveries show, cancel and replay', () => {
  it('shows attempts and the Temporal link', async () => {
    const delivery = await deliveryTo(`${failing.url}/cli-show`);
    await waitFor('attempt 1', async () =>
      (await getDelivery(stack, delivery.id)).attempt_count === 1 ? true : undefined,
    );

    const run = await startLasso(['deliveries', 'show', delivery.id]);

    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Delivery ${delivery.id}`);
    expect(lines).toContain('  status        pending');
    expect(lines).toContain(
      `  Temporal UI   ${TEST_UI_URL}/namespaces/default/workflows/${delivery.workflow_id}`,
    );
    expect(lines).toContain('#  STARTED               DURATION  STATUS  OUTCOME     ERROR');
    expect(
      lines.some((line) =>
        /^1 {2}\S+Z {2}\d+ ms +503 {5}http_error {2}endpoint answered HTTP 503$/.test(line),
      ),
    ).toBe(true);
    await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
  });

  it('cancels a pending delivery', async () => {
    const delivery = await deliveryTo(`${failing.url}/cli-cancel`);
    await waitFor('attempt 1', async () =>
      (await getDelivery(stack, delivery.id)).attempt_count === 1 ? true : undefined,
    );

    const run = await startLasso(['deliveries', 'cancel', delivery.id]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${delivery.id}  cancelled  table.completed  attempts 1  next attempt -  ${failing.url}/cli-cancel\n`,
    );
  });

  it('replays a finished delivery as a new one', async () => {
    const delivery = await deliveryTo(`${healthy.url}/cli-replay`);
    await waitForStatus(delivery.id, 'succeeded');

    const run = await startLasso(['deliveries', 'replay', delivery.id]);

    expect(run.code).toBe(0);
    const [replayId] = run.stdout.split('  ');
    expect(replayId).toMatch(/^dlv_/);
    expect(replayId).not.toBe(delivery.id);
    expect(run.stdout).toMatch(new RegExp(`  replay of ${delivery.id}\\n$`));
    await waitForStatus(replayId!, 'succeeded');
  });
});

describe('lasso deliveries recover', () => {
  it('recovers in batches, then finds nothing', async () => {
    let broken = true;
    const receiver = await startRecordingReceiver(() =>
      broken ? { status: 503 } : { status: 200 },
    );
    try {
      const since = new Date(Date.now() - 1000).toISOString();
      const { webhook } = await abandonWebhookDeliveries(stack, {
        url: `${receiver.url}/cli-recover`,
        count: 3,
      });
      broken = false;

      const run = await startLasso([
        'deliveries',
        'recover',
        '--webhook',
        webhook.id,
        '--since',
        since,
        '--batch',
        '1',
      ]);

      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')).toEqual([
        'batch 1: started 1, 1/3 replays started, 2 remaining',
        'batch 2: started 1, 2/3 replays started, 1 remaining',
        'batch 3: started 1, 3/3 replays started, 0 remaining',
        `Recovered catalog webhook ${webhook.id}: started 3 replays of abandoned deliveries created since ${since}.`,
        '',
      ]);
      await receiver.waitForRequests(3 * 4 + 3);

      const again = await startLasso([
        'deliveries',
        'recover',
        '--webhook',
        webhook.id,
        '--since',
        '1h',
      ]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(
        /^Nothing to recover: .* 3 deliveries already had a replay and were skipped\.\n$/,
      );
    } finally {
      await receiver.close();
    }
  });

  it('stops on Ctrl-C and resumes', async () => {
    let broken = true;
    const receiver = await startRecordingReceiver(() =>
      broken ? { status: 503 } : { status: 200 },
    );
    try {
      const { webhook, deliveries } = await abandonWebhookDeliveries(stack, {
        url: `${receiver.url}/cli-interrupt`,
        count: 6,
      });
      broken = false;
      const args = [
        'deliveries',
        'recover',
        '--webhook',
        webhook.id,
        '--since',
        '1h',
        '--batch',
        '1',
      ];

      let interrupted = false;
      const stopped = await startLasso(args, {
        onStdout: (stdout, kill) => {
          if (!interrupted && stdout.includes('batch 1:')) {
            interrupted = true;
            kill('SIGINT');
          }
        },
      });

      expect(stopped.code).toBe(130);
      expect(stopped.stderr).toContain('Stopping after the current batch');
      const match =
        /Stopped after (\d) of 6 replays\. Run the same command again to continue where it stopped/.exec(
          stopped.stdout,
        );
      expect(match).not.toBeNull();
      const startedFirst = Number(match![1]);
      expect(startedFirst).toBeLessThan(6);

      const resumed = await startLasso(args);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`started ${6 - startedFirst} replays`);
      expect(resumed.stdout).toContain(
        `${startedFirst} ${startedFirst === 1 ? 'delivery' : 'deliveries'} already had a replay`,
      );

      const replays = await stack.db.query<{ replay_of: string }>(
        'SELECT replay_of FROM deliveries WHERE webhook_id = $1 AND replay_of IS NOT NULL',
        [webhook.id],
      );
      expect(replays.map((row) => row.replay_of).sort()).toEqual(
        deliveries.map((delivery) => delivery.id).sort(),
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('lasso errors', () => {
  it("shows the API's code for an unknown delivery", async () => {
    const run = await startLasso(['deliveries', 'show', 'dlv_0000000000aaaaaaaaaaaaaaaa']);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'lasso: Delivery dlv_0000000000aaaaaaaaaaaaaaaa not found (API error not_found)\n',
    );
    expect(run.stdout).toBe('');
  });

  it('names the URL it could not reach', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;

    const run = await startLasso(['deliveries', 'list'], { env: { LASSO_URL: url } });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `lasso: could not reach the Lasso API at ${url}: connection refused. ` +
        'Check --url or LASSO_URL, and that the Lasso API is running there.\n',
    );
  });

  it('rejects an unknown key', async () => {
    const run = await startLasso([
      'deliveries',
      'list',
      '--api-key',
      'lasso_unknown_key_1234567890',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\(API error unauthorized\) Check --api-key or LASSO_API_KEY\.\n$/);
  });

  it('exits 2 with the usage when the key is missing', async () => {
    const run = await startLasso(['deliveries', 'list'], { env: { LASSO_API_KEY: '' } });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^lasso: missing API key: pass --api-key KEY or set LASSO_API_KEY\n\nUsage: lasso deliveries list/,
    );
  });

  it('exits 2 with the usage for an invalid option value', async () => {
    const run = await startLasso([
      'deliveries',
      'recover',
      '--table',
      'tbl_0000000000aaaaaaaaaaaaaaaa',
      '--since',
      'yesterday',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lasso: --since must be an ISO 8601 time/);
    expect(run.stderr).toContain('Usage: lasso deliveries recover');
  });

  it('prints help and exits 0', async () => {
    const run = await startLasso(['deliveries', 'recover', '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Usage: lasso deliveries recover \(--table ID \| --webhook ID\) --since TIME/,
    );
  });
});
