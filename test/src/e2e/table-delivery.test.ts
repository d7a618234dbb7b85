import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.js';
import { createTable, getDelivery, onlyDeliveryOf } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

const SECRET = 'whsec_test_4f9d2a7c1b';
const AUTH_HEADER_VALUE = 'Token partner-7f3e9a12';

let stack: TestStack;
let receiver: RecordingReceiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startRecordingReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

describe('table webhook delivery', () => {
  it('sends table.completed signed, with the SPEC body and headers', async () => {
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/hooks/tables`,
      webhook_secret: SECRET,
      webhook_auth_header_name: 'X-Partner-Token',
      webhook_auth_header_value: AUTH_HEADER_VALUE,
    });
    expect(table.status).toBe('processing');
    expect(table.webhook_secret_set).toBe(true);
    expect(JSON.stringify(table)).not.toContain(SECRET);
    expect(JSON.stringify(table)).not.toContain(AUTH_HEADER_VALUE);

    const completed = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: 42 },
    });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');

    const [request] = await receiver.waitForRequests(1);
    const body = request!.body.toString('utf8');
    const timestamp = JSON.parse(body).timestamp as string;
    expect(timestamp).toBe(completed.body.finished_at);
    expect(body).toBe(
      `{"event":"table.completed","timestamp":"${timestamp}","data":{"table_id":"${table.id}","status":"completed","total_rows":42}}`,
    );

    // The plain formula a receiver uses, computed here without any project code.
    const expectedSignature =
      'sha256=' + createHmac('sha256', SECRET).update(request!.body).digest('hex');
    expect(request!.headers['x-lasso-signature']).toBe(expectedSignature);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks/tables');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-lasso-event']).toBe('table.completed');
    expect(request!.headers['x-lasso-attempt']).toBe('1');
    expect(request!.headers['x-lasso-delivery-id']).toMatch(/^att_/);
    expect(request!.headers['x-lasso-event-id']).toMatch(/^evt_/);
    expect(request!.headers['user-agent']).toMatch(/^Lasso-Webhooks\/\d+\.\d+\.\d+$/);
    expect(request!.headers['x-partner-token']).toBe(AUTH_HEADER_VALUE);

    const delivery = await waitFor('the delivery to succeed', async () => {
      const current = await onlyDeliveryOf(stack, table.id);
      return current.status === 'succeeded' ? current : undefined;
    });
    expect(delivery.event).toBe('table.completed');
    expect(delivery.event_id).toBe(request!.headers['x-lasso-event-id']);
    expect(delivery.url).toBe(`${receiver.url}/hooks/tables`);
    expect(delivery.workflow_id).toBe(`delivery-${delivery.id}`);
    expect(delivery.temporal_ui_url).toContain(encodeURIComponent(delivery.workflow_id));

    const detailed = await getDelivery(stack, delivery.id);
    expect(detailed.attempts).toHaveLength(1);
    expect(detailed.attempts[0]).toMatchObject({
      number: 1,
      delivery_attempt_id: request!.headers['x-lasso-delivery-id'],
      status_code: 200,
      outcome: 'succeeded',
      error: null,
    });
  });

  it('keeps secrets out of the workflow history', async () => {
    const table = await createTable(stack, {
      webhook_url: `${receiver.url}/hooks/history`,
      webhook_secret: SECRET,
      webhook_auth_header_name: 'X-Partner-Token',
      webhook_auth_header_value: AUTH_HEADER_VALUE,
    });
    await stack.request('POST', `/api/v1/tables/${table.id}/fail`, {
      body: { error: { code: 'bad_pdf', message: 'file_1 is not a readable PDF' } },
    });
    const delivery = await waitFor('the delivery to succeed', async () => {
      const current = await onlyDeliveryOf(stack, table.id);
      return current.status === 'succeeded' ? current : undefined;
    });

    const history = await stack.temporal.workflow.getHandle(delivery.workflow_id).fetchHistory();
    const historyText = JSON.stringify(history);
    expect(historyText).toContain(delivery.id);
    expect(historyText).not.toContain(SECRET);
    expect(historyText).not.toContain(AUTH_HEADER_VALUE);

    // The same check through the command people use: `temporal workflow show`.
    const cliPath = inject('temporalCliPath');
    if (cliPath !== null) {
      const { stdout } = await promisify(execFile)(cliPath, [
        'workflow',
        'show',
        '--workflow-id',
        delivery.workflow_id,
        '--address',
        stack.temporalAddress,
        '--output',
        'json',
      ]);
      expect(stdout).toContain(delivery.id);
      expect(stdout).not.toContain(SECRET);
      expect(stdout).not.toContain(AUTH_HEADER_VALUE);
    }
  });

  it('sends table.failed with the error', async () => {
    const table = await createTable(stack, { webhook_url: `${receiver.url}/hooks/failed` });
    const failed = await stack.request('POST', `/api/v1/tables/${table.id}/fail`, {
      body: { error: { code: 'bad_pdf', message: 'file_1 is not a readable PDF' } },
    });
    expect(failed.status).toBe(200);

    const request = await waitFor('the table.failed request', () =>
      receiver.requests.find((received) => received.path === '/hooks/failed'),
    );
    const payload = JSON.parse(request.body.toString('utf8'));
    expect(payload.event).toBe('table.failed');
    expect(payload.data).toEqual({
      table_id: table.id,
      status: 'failed',
      error: { code: 'bad_pdf', message: 'file_1 is not a readable PDF' },
    });
    expect(request.headers['x-lasso-signature']).toBeUndefined();
  });

  it('sends nothing more when the same end is reported twice', async () => {
    const table = await createTable(stack, { webhook_url: `${receiver.url}/hooks/twice` });
    const first = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: 7 },
    });
    const second = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: 7 },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.finished_at).toBe(first.body.finished_at);

    const conflicting = await stack.request('POST', `/api/v1/tables/${table.id}/fail`, {
      body: { error: { code: 'late', message: 'too late' } },
    });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.code).toBe('conflict');

    await waitFor('the first delivery to succeed', async () => {
      const current = await onlyDeliveryOf(stack, table.id);
      return current.status === 'succeeded' ? current : undefined;
    });
    const deliveries = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    expect(deliveries.body.data).toHaveLength(1);
  });

  it('completes a table without a webhook and sends nothing', async () => {
    const table = await createTable(stack, {});
    const completed = await stack.request('POST', `/api/v1/tables/${table.id}/complete`, {
      body: { total_rows: 0 },
    });
    expect(completed.status).toBe(200);
    const deliveries = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    expect(deliveries.body.data).toEqual([]);
  });
});
