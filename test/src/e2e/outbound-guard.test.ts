import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HostLookup } from '@lasso/workflows';

import { startAddressReceiver, type AddressReceiver } from '../support/address-receiver.js';
import { timerDurationsSeconds } from '../support/history.js';
import { createTable, getDelivery } from '../support/tables.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/waits.js';

let closedStack: TestStack;
let loopbackStack: TestStack;
let ipv4: AddressReceiver;
let ipv6: AddressReceiver;

beforeAll(async () => {
  [closedStack, loopbackStack, ipv4, ipv6] = await Promise.all([
    startTestStack({ allowedNetworks: 'none' }),
    startTestStack(),
    startAddressReceiver('127.0.0.1'),
    startAddressReceiver('::1'),
  ]);
});

afterAll(async () => {
  await Promise.all([ipv4?.close(), ipv6?.close()]);
  await Promise.all([closedStack?.close(), loopbackStack?.close()]);
});

/** Creates a table with this webhook URL, completes it, and returns its delivery once attempt 1 is recorded. */
async function firstAttempt(
  stack: TestStack,
  url: string,
): Promise<{ delivery: any; attempt: any }> {
  const table = await createTable(stack, { webhook_url: url, webhook_secret: 'whsec_guard' });
  await stack.request('POST', `/api/v1/tables/${table.id}/complete`, { body: { total_rows: 1 } });

  const listed = await waitFor('the delivery', async () => {
    const response = await stack.request('GET', `/api/v1/deliveries?table_id=${table.id}`);
    return response.body.data[0];
  });
  return waitFor('attempt 1', async () => {
    const delivery = await getDelivery(stack, listed.id);
    return delivery.attempts.length > 0 ? { delivery, attempt: delivery.attempts[0] } : undefined;
  });
}

describe('with no network open', () => {
  const cases: Array<{ name: string; url: () => string; address: string }> = [
    { name: '127.0.0.1', url: () => `http://127.0.0.1:${ipv4.port}/hook`, address: '127.0.0.1' },
    { name: '[::1]', url: () => `http://[::1]:${ipv6.port}/hook`, address: '::1' },
    {
      name: '169.254.169.254',
      url: () => 'http://169.254.169.254/latest/meta-data/',
      address: '169.254.169.254',
    },
    { name: '10.0.0.1', url: () => 'http://10.0.0.1/hook', address: '10.0.0.1' },
    {
      name: '[::ffff:127.0.0.1]',
      url: () => `http://[::ffff:127.0.0.1]:${ipv4.port}/hook`,
      address: '::ffff:7f00:1',
    },
    { name: '0.0.0.0', url: () => `http://0.0.0.0:${ipv4.port}/hook`, address: '0.0.0.0' },
    {
      name: 'localhost',
      url: () => `http://localhost:${ipv4.port}/hook`,
      address: 'localhost resolved to 127.0.0.1',
    },
  ];

  for (const testCase of cases) {
    it(`records ${testCase.name} as blocked`, async () => {
      const { attempt } = await firstAttempt(closedStack, testCase.url());

      expect(attempt.outcome).toBe('blocked');
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toContain(`blocked: ${testCase.address}`);
      expect(attempt.error).not.toContain('whsec_guard');
    });
  }

  it('keeps the receivers untouched', () => {
    expect(ipv4.connections).toBe(0);
    expect(ipv6.connections).toBe(0);
  });

  it('retries a blocked attempt on the normal schedule', async () => {
    const { delivery, attempt } = await firstAttempt(closedStack, 'http://10.0.0.1/retry');

    expect(delivery.status).toBe('pending');
    const waitMs = Date.parse(delivery.next_attempt_at) - Date.parse(attempt.started_at);
    expect(waitMs).toBeGreaterThanOrEqual(29_000);
    expect(waitMs).toBeLessThanOrEqual(31_000);
    const timers = await waitFor('the retry timer', async () => {
      const durations = await timerDurationsSeconds(closedStack.temporal, delivery.workflow_id);
      return durations.length > 0 ? durations : undefined;
    });
    expect(timers).toEqual([30]);
  });
});

describe('with loopback open', () => {
  const cases: Array<{ name: string; url: () => string; receiver: () => AddressReceiver }> = [
    { name: '127.0.0.1', url: () => `http://127.0.0.1:${ipv4.port}/v4`, receiver: () => ipv4 },
    { name: '[::1]', url: () => `http://[::1]:${ipv6.port}/v6`, receiver: () => ipv6 },
    {
      name: '[::ffff:127.0.0.1]',
      url: () => `http://[::ffff:127.0.0.1]:${ipv4.port}/mapped`,
      receiver: () => ipv4,
    },
    { name: 'localhost', url: () => `http://localhost:${ipv4.port}/name`, receiver: () => ipv4 },
  ];

  for (const testCase of cases) {
    it(`delivers to ${testCase.name}`, async () => {
      const { attempt } = await firstAttempt(loopbackStack, testCase.url());

      expect(attempt.outcome).toBe('succeeded');
      expect(testCase.receiver().paths).toContain(new URL(testCase.url()).pathname);
    });
  }

  it('still blocks 10.0.0.1 and the metadata address', async () => {
    const privateRange = await firstAttempt(loopbackStack, 'http://10.0.0.1/hook');
    expect(privateRange.attempt.outcome).toBe('blocked');

    const metadata = await firstAttempt(loopbackStack, 'http://169.254.169.254/latest/meta-data/');
    expect(metadata.attempt.outcome).toBe('blocked');
  });
});

describe('with a DNS result that changes', () => {
  let rebindStack: TestStack;
  let allowed: AddressReceiver;
  let blockedTarget: AddressReceiver;
  const lookupCalls: string[] = [];

  // The first result is the one open address, and every later result a blocked one on the same port.
  const lookup: HostLookup = (hostname) => {
    lookupCalls.push(hostname);
    return Promise.resolve([
      { address: lookupCalls.length === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 },
    ]);
  };

  beforeAll(async () => {
    allowed = await startAddressReceiver('127.0.0.2');
    blockedTarget = await startAddressReceiver('127.0.0.1', allowed.port);
    rebindStack = await startTestStack({ allowedNetworks: '127.0.0.2/32', lookup });
  });

  afterAll(async () => {
    await Promise.all([allowed?.close(), blockedTarget?.close()]);
    await rebindStack?.close();
  });

  it('sends to the checked address only', async () => {
    const { attempt } = await firstAttempt(rebindStack, `http://rebind.test:${allowed.port}/hook`);

    expect(attempt.outcome).toBe('succeeded');
    expect(lookupCalls).toEqual(['rebind.test']);
    expect(allowed.paths).toEqual(['/hook']);
    expect(blockedTarget.connections).toBe(0);
  });
});
