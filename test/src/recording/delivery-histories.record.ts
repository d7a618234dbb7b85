import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

import { afterAll, beforeAll, inject, it } from 'vitest';

import { DELIVERY_WORKFLOW, fanOutWorkflowId } from '@lasso/contracts';

import { createCatalogWebhook, publishEvent } from '../support/catalog.js';
import { HISTORY_FIXTURES_DIR } from '../support/history-fixtures.js';
import { timerDurationsSeconds } from '../support/history.js';
import {
  startRecordingReceiver,
  type RecordingReceiver,
  type Reply,
} from '../support/recording-receiver.js';
import { createTable } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let stack: TestStack;
const receivers: RecordingReceiver[] = [];

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.close();
});

/** Starts a delivery to a receiver that answers as `reply` says, and returns its workflow handle. */
async function startDeliveryTo(reply: (index: number) => Reply) {
  const receiver = await startRecordingReceiver(reply);
  receivers.push(receiver);
  const table = await createTable(stack, {
    webhook_url: `${receiver.url}/fixture`,
    webhook_secret: 'fixture-secret',
  });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });
  const delivery = await waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });
  return { delivery, handle: stack.temporal.workflow.getHandle(delivery.workflow_id) };
}

async function waitForTimers(workflowId: string, count: number) {
  await waitFor(`timer ${count}`, async () =>
    (await timerDurationsSeconds(stack.temporal, workflowId)).length >= count ? true : undefined,
  );
}

// The CLI writes the history in the JSON form that Worker.runReplayHistory reads.
async function saveHistory(name: string, workflowId: string) {
  await stack.temporal.workflow.getHandle(workflowId).result();
  const cliPath = inject('temporalCliPath');
  if (cliPath === null) {
    throw new Error(
      'recording histories needs the Temporal CLI; set TEMPORAL_CLI_PATH or install Go',
    );
  }
  const { stdout } = await promisify(execFile)(cliPath, [
    'workflow',
    'show',
    '--workflow-id',
    workflowId,
    '--address',
    stack.temporalAddress,
    '--output',
    'json',
  ]);
  // Dated names keep older recordings, which running workflows from older code still need; a
  // second recording on one day gets a number.
  const date = new Date().toISOString().slice(0, 10);
  for (let copy = 1; ; copy++) {
    const fileName = `${name}-${date}${copy === 1 ? '' : `-${copy}`}.json`;
    try {
      await writeFile(`${HISTORY_FIXTURES_DIR}/${fileName}`, stdout, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
}

it('records a delivery that succeeds at once', async () => {
  const { delivery } = await startDeliveryTo(() => ({ status: 200 }));
  await saveHistory('delivery-succeeded', delivery.workflow_id);
});

it('records a delivery that succeeds on a retry', async () => {
  const { delivery, handle } = await startDeliveryTo((index) =>
    index === 0 ? { status: 500 } : { status: 200 },
  );
  await waitForTimers(delivery.workflow_id, 1);
  await handle.signal(DELIVERY_WORKFLOW.replaySignal);
  await saveHistory('delivery-succeeded-on-retry', delivery.workflow_id);
});

it('records a delivery abandoned after every retry', async () => {
  const { delivery, handle } = await startDeliveryTo(() => ({ status: 500 }));
  for (const timers of [1, 2, 3]) {
    await waitForTimers(delivery.workflow_id, timers);
    await handle.signal(DELIVERY_WORKFLOW.replaySignal);
  }
  await saveHistory('delivery-abandoned', delivery.workflow_id);
});

it('records a delivery cancelled while it waits', async () => {
  const { delivery } = await startDeliveryTo(() => ({ status: 500 }));
  await waitForTimers(delivery.workflow_id, 1);
  await stack.request('POST', `/api/v1/deliveries/${delivery.id}/cancel`);
  await saveHistory('delivery-cancelled', delivery.workflow_id);
});

it('records the replay of a finished delivery', async () => {
  const { delivery } = await startDeliveryTo(() => ({ status: 200 }));
  await stack.temporal.workflow.getHandle(delivery.workflow_id).result();
  const replay = await stack.request('POST', `/api/v1/deliveries/${delivery.id}/replay`);
  await saveHistory('delivery-replay-of-succeeded', replay.body.workflow_id);
});

it('records the fan-out of an event to two subscriptions', async () => {
  const receiver = await startRecordingReceiver(() => ({ status: 200 }));
  receivers.push(receiver);
  for (const name of ['first', 'second']) {
    await createCatalogWebhook(stack, {
      url: `${receiver.url}/fan-out/${name}`,
      events: ['product.created'],
    });
  }
  const event = await publishEvent(stack, {
    event: 'product.created',
    data: { product_id: 'prod_fixture', product: { sku: 'FIXTURE-1' } },
  });
  await saveHistory('fan-out', fanOutWorkflowId(event.id));
});
