import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { signPayload } from '../signature.js';
import { formatReceivedRequest } from './format.js';
import {
  MAX_RECEIVER_BODY_BYTES,
  startReceiver,
  type ReceivedRequest,
  type ReceiverOptions,
  type RunningReceiver,
} from './start-receiver.js';

const SECRET = 'whsec_test_secret';
const BODY =
  '{"event":"table.completed","timestamp":"2025-03-12T14:30:00.000Z","data":{"table_id":"tbl_abc123","status":"completed","total_rows":42}}';

const running: RunningReceiver[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((receiver) => receiver.close()));
});

async function startRecording(
  options: ReceiverOptions = {},
): Promise<{ url: string; received: ReceivedRequest[]; receiver: RunningReceiver }> {
  const received: ReceivedRequest[] = [];
  const receiver = await startReceiver({
    port: 0,
    ...options,
    onRequest: (request) => received.push(request),
  });
  running.push(receiver);

  return { url: receiver.url, received, receiver };
}

function postWebhook(url: string, headers: Record<string, string> = {}, body = BODY) {
  return fetch(`${url}/hooks/lasso?source=test`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Lasso-Event': 'table.completed', ...headers },
    body,
  });
}

describe('startReceiver', () => {
  it('records a POST byte for byte', async () => {
    const { url, received } = await startRecording();

    const response = await postWebhook(url, { 'X-Lasso-Attempt': '1' });

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    expect(received).toHaveLength(1);

    const request = received[0]!;
    expect(request.number).toBe(1);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/lasso?source=test');
    expect(request.body.toString('utf8')).toBe(BODY);
    expect(request.headers).toContainEqual(['X-Lasso-Event', 'table.completed']);
    expect(request.headers).toContainEqual(['X-Lasso-Attempt', '1']);
    expect(request.signature).toBe('not_checked');
    expect(request.replyStatus).toBe(200);
  });

  it('replies with the configured status', async () => {
    const { url, received } = await startRecording({ status: 503 });

    const response = await postWebhook(url);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ received: true });
    expect(received[0]?.replyStatus).toBe(503);
  });

  it('replies 204 without a body', async () => {
    const { url } = await startRecording({ status: 204 });

    const response = await postWebhook(url);

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('fails the first requests on purpose', async () => {
    const { url, received } = await startRecording({ failFirst: 2, status: 201 });

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await postWebhook(url)).status);
    }

    expect(statuses).toEqual([500, 500, 201]);
    expect(received.map((request) => request.failedOnPurpose)).toEqual([true, true, false]);
  });

  it('reports a valid signature', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    await postWebhook(url, { 'X-Lasso-Signature': signPayload(BODY, SECRET) });

    expect(received[0]?.signature).toBe('valid');
  });

  it('reports an invalid signature', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    await postWebhook(url, { 'X-Lasso-Signature': signPayload(BODY, 'another_secret') });

    expect(received[0]?.signature).toBe('invalid');
  });

  it('reports a missing signature', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    const response = await postWebhook(url);

    expect(received[0]?.signature).toBe('missing');
    expect(response.status).toBe(200);
  });

  it('never replies when hanging, until closed', async () => {
    const { url, received, receiver } = await startRecording({ hang: true });

    const outcome = postWebhook(url).then(
      (response) => `status ${response.status}`,
      () => 'connection closed',
    );
    await waitFor(() => received.length === 1);

    const early = await Promise.race([outcome, delay(300).then(() => 'still waiting')]);
    expect(early).toBe('still waiting');
    expect(received[0]?.replyStatus).toBeNull();

    await receiver.close();
    expect(await outcome).toBe('connection closed');
  });

  it('replies 413 to a body over the limit', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    const response = await postWebhook(url, {}, 'x'.repeat(MAX_RECEIVER_BODY_BYTES + 1));

    expect(response.status).toBe(413);
    expect(received[0]?.bodyTooLarge).toBe(true);
    expect(received[0]?.signature).toBe('not_checked');
  });

  it('keeps serving when onRequest throws', async () => {
    const errors: Error[] = [];
    const receiver = await startReceiver({
      port: 0,
      onRequest: () => {
        throw new Error('printer jammed');
      },
      onError: (error) => errors.push(error),
    });
    running.push(receiver);

    const response = await postWebhook(receiver.url);

    expect(response.status).toBe(200);
    expect(errors.map((error) => error.message)).toEqual([
      'onRequest failed for request 1: printer jammed',
    ]);
  });

  it('reports a sender that aborts mid-body', async () => {
    const errors: Error[] = [];
    const receiver = await startReceiver({ port: 0, onError: (error) => errors.push(error) });
    running.push(receiver);

    const request = httpRequest(`${receiver.url}/`, {
      method: 'POST',
      headers: { 'Content-Length': '1000' },
    });
    request.on('error', () => {});
    request.write('partial');
    await delay(100);
    request.destroy();

    await waitFor(() => errors.length === 1);
    expect(errors[0]?.message).toMatch(/^request 1 POST \/ failed while reading its body/);
  });

  it('rejects when the port is taken', async () => {
    const { url } = await startRecording();
    const port = Number(new URL(url).port);

    await expect(startReceiver({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('rejects a status outside 100 to 599', async () => {
    await expect(startReceiver({ port: 0, status: 99 })).rejects.toThrow(RangeError);
    await expect(startReceiver({ port: 0, status: 600 })).rejects.toThrow(RangeError);
    await expect(startReceiver({ port: 0, status: 200.5 })).rejects.toThrow(RangeError);
  });

  it('rejects a negative failFirst', async () => {
    await expect(startReceiver({ port: 0, failFirst: -1 })).rejects.toThrow(RangeError);
  });

  it('closes twice without error', async () => {
    const receiver = await startReceiver({ port: 0 });

    await receiver.close();
    await expect(receiver.close()).resolves.toBeUndefined();
  });
});

describe('formatReceivedRequest', () => {
  it('prints headers, signature, payload and pretty JSON', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    await postWebhook(url, { 'X-Lasso-Signature': signPayload(BODY, SECRET) });
    const block = formatReceivedRequest(received[0]!);

    expect(block).toContain('POST /hooks/lasso?source=test');
    expect(block).toContain('reply: 200');
    expect(block).toContain('signature: valid');
    expect(block).toContain('payload: valid table.completed webhook');
    expect(block).toContain('  X-Lasso-Event: table.completed');
    expect(block).toContain('  Content-Type: application/json');
    expect(block).toContain('    "total_rows": 42');
    expect(block).not.toContain(SECRET);
  });

  it('prints INVALID and missing signatures', async () => {
    const { url, received } = await startRecording({ secret: SECRET });

    await postWebhook(url, { 'X-Lasso-Signature': 'sha256=00' });
    await postWebhook(url);

    expect(formatReceivedRequest(received[0]!)).toContain('signature: INVALID');
    expect(formatReceivedRequest(received[1]!)).toContain('signature: missing');
  });

  it('says when signatures are not checked', async () => {
    const { url, received } = await startRecording();

    await postWebhook(url);

    expect(formatReceivedRequest(received[0]!)).toContain('signature: not checked (no --secret)');
  });

  it('escapes control characters in text', async () => {
    const { url, received } = await startRecording();

    await postWebhook(url, {}, 'hello \u001b[31mred');
    const block = formatReceivedRequest(received[0]!);

    expect(block).not.toContain('\u001b');
    expect(block).toContain('hello \\u001b[31mred');
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await delay(10);
  }
}
