import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LOOPBACK_NETWORKS, parseNetworkList } from '@lasso/server';
import { createGuardedAgent, postWebhook, type HostLookup } from '@lasso/workflows';

import { startAddressReceiver, type AddressReceiver } from '../support/address-receiver.js';

let ipv4: AddressReceiver;
let ipv6: AddressReceiver;

beforeAll(async () => {
  ipv4 = await startAddressReceiver('127.0.0.1');
  ipv6 = await startAddressReceiver('::1');
});

afterAll(async () => {
  await Promise.all([ipv4?.close(), ipv6?.close()]);
});

/** A resolver that returns each result in turn, then repeats the last one, and counts its calls. */
function resolvesInTurn(...results: string[][]): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = (hostname: string) => {
    const addresses = results[Math.min(calls.length, results.length - 1)] ?? [];
    calls.push(hostname);
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return Object.assign(lookup, { calls });
}

async function post(url: string, dispatcher: ReturnType<typeof createGuardedAgent>) {
  return postWebhook({
    url,
    body: '{"event":"table.completed"}',
    headers: { 'Content-Type': 'application/json' },
    dispatcher,
    timeoutMs: 5_000,
  });
}

describe('guarded agent with nothing open', () => {
  const agent = createGuardedAgent({ allowedNetworks: [] });

  const cases: Array<{ name: string; url: () => string; error: string }> = [
    {
      name: '127.0.0.1',
      url: () => `http://127.0.0.1:${ipv4.port}/a`,
      error: 'blocked: 127.0.0.1 is loopback (127.0.0.0/8)',
    },
    {
      name: '[::1]',
      url: () => `http://[::1]:${ipv6.port}/a`,
      error: 'blocked: ::1 is loopback (::1/128)',
    },
    {
      name: '[::ffff:127.0.0.1]',
      url: () => `http://[::ffff:127.0.0.1]:${ipv4.port}/a`,
      error: 'blocked: ::ffff:7f00:1 is loopback (127.0.0.0/8)',
    },
    {
      name: '0.0.0.0',
      url: () => `http://0.0.0.0:${ipv4.port}/a`,
      error: 'blocked: 0.0.0.0 is reserved for "this network" (0.0.0.0/8)',
    },
    {
      name: 'localhost',
      url: () => `http://localhost:${ipv4.port}/a`,
      error: 'blocked: localhost resolved to 127.0.0.1, which is loopback (127.0.0.0/8)',
    },
  ];

  for (const testCase of cases) {
    it(`blocks ${testCase.name} without connecting`, async () => {
      const before = { ipv4: ipv4.connections, ipv6: ipv6.connections };
      const result = await post(testCase.url(), agent);

      expect(result.outcome).toBe('blocked');
      expect(result.error).toBe(testCase.error);
      expect(result.statusCode).toBeNull();
      expect(ipv4.connections).toBe(before.ipv4);
      expect(ipv6.connections).toBe(before.ipv6);
    });
  }

  // Nothing listens there and nothing may be sent there: the guard must block them before connecting.
  it('blocks the metadata address and private ranges before connecting', async () => {
    const metadata = await post('http://169.254.169.254/latest/meta-data/', agent);
    expect(metadata.outcome).toBe('blocked');
    expect(metadata.error).toBe('blocked: 169.254.169.254 is link-local (169.254.0.0/16)');

    const privateRange = await post('http://10.0.0.1:8080/hook', agent);
    expect(privateRange.outcome).toBe('blocked');
    expect(privateRange.error).toBe('blocked: 10.0.0.1 is private (10.0.0.0/8)');

    const nat64 = await post('http://[64:ff9b::a9fe:a9fe]/', agent);
    expect(nat64.error).toBe(
      'blocked: 64:ff9b::a9fe:a9fe is an IPv6 form of 169.254.169.254, which is link-local (169.254.0.0/16)',
    );
  });

  it('blocks a name with one blocked address', async () => {
    const lookup = resolvesInTurn(['93.184.216.34', '10.0.0.1']);
    const mixed = createGuardedAgent({ allowedNetworks: [], lookup });

    const result = await post('http://mixed.test/hook', mixed);

    expect(result.outcome).toBe('blocked');
    expect(result.error).toBe(
      'blocked: mixed.test resolved to 10.0.0.1, which is private (10.0.0.0/8)',
    );
  });

  it('reports a name without addresses as a network error', async () => {
    const result = await post(
      'http://nowhere.test/hook',
      createGuardedAgent({ allowedNetworks: [], lookup: resolvesInTurn([]) }),
    );

    expect(result.outcome).toBe('network_error');
    expect(result.error).toMatch(/^ENOTFOUND/);
  });
});

describe('guarded agent with loopback open', () => {
  const agent = createGuardedAgent({ allowedNetworks: LOOPBACK_NETWORKS });

  const cases: Array<{ name: string; url: () => string; receiver: () => AddressReceiver }> = [
    { name: '127.0.0.1', url: () => `http://127.0.0.1:${ipv4.port}/open-v4`, receiver: () => ipv4 },
    { name: '[::1]', url: () => `http://[::1]:${ipv6.port}/open-v6`, receiver: () => ipv6 },
    {
      name: '[::ffff:127.0.0.1]',
      url: () => `http://[::ffff:127.0.0.1]:${ipv4.port}/open-mapped`,
      receiver: () => ipv4,
    },
    {
      name: 'localhost',
      url: () => `http://localhost:${ipv4.port}/open-name`,
      receiver: () => ipv4,
    },
  ];

  for (const testCase of cases) {
    it(`reaches ${testCase.name}`, async () => {
      const result = await post(testCase.url(), agent);

      expect(result.outcome).toBe('succeeded');
      expect(result.statusCode).toBe(200);
      expect(testCase.receiver().paths).toContain(new URL(testCase.url()).pathname);
    });
  }

  it('still blocks 0.0.0.0, which would reach this host', async () => {
    const result = await post(`http://0.0.0.0:${ipv4.port}/zero`, agent);
    expect(result.outcome).toBe('blocked');
    expect(ipv4.paths).not.toContain('/zero');
  });
});

describe('guarded agent against a changing DNS result', () => {
  let allowed: AddressReceiver;
  let blockedTarget: AddressReceiver;

  // Two endpoints on one port: one on the open address 127.0.0.2, one on the blocked 127.0.0.1.
  beforeAll(async () => {
    allowed = await startAddressReceiver('127.0.0.2');
    blockedTarget = await startAddressReceiver('127.0.0.1', allowed.port);
  });

  afterAll(async () => {
    await Promise.all([allowed?.close(), blockedTarget?.close()]);
  });

  const openOnly127002 = parseNetworkList('127.0.0.2/32');

  it('connects only to the checked address', async () => {
    const lookup = resolvesInTurn(['127.0.0.2'], ['127.0.0.1']);
    const agent = createGuardedAgent({ allowedNetworks: openOnly127002, lookup });

    const result = await post(`http://rebind.test:${allowed.port}/first`, agent);

    expect(result.outcome).toBe('succeeded');
    expect(lookup.calls).toEqual(['rebind.test']);
    expect(allowed.paths).toEqual(['/first']);
    expect(blockedTarget.connections).toBe(0);
  });

  it('blocks when the result turns blocked', async () => {
    const lookup = resolvesInTurn(['127.0.0.2'], ['127.0.0.1']);
    await post(
      `http://rebind.test:${allowed.port}/warm-up`,
      createGuardedAgent({ allowedNetworks: openOnly127002, lookup }),
    );

    // A new pool has no open connection, so it resolves again and gets the second result.
    const result = await post(
      `http://rebind.test:${allowed.port}/second`,
      createGuardedAgent({ allowedNetworks: openOnly127002, lookup }),
    );

    expect(result.outcome).toBe('blocked');
    expect(result.error).toBe(
      'blocked: rebind.test resolved to 127.0.0.1, which is loopback (127.0.0.0/8)',
    );
    expect(lookup.calls).toHaveLength(2);
    expect(blockedTarget.connections).toBe(0);
    expect(allowed.paths).not.toContain('/second');
  });

  it('blocks a first blocked result without a second lookup', async () => {
    const lookup = resolvesInTurn(['127.0.0.1'], ['127.0.0.2']);
    const agent = createGuardedAgent({ allowedNetworks: openOnly127002, lookup });

    const result = await post(`http://rebind.test:${allowed.port}/third`, agent);

    expect(result.outcome).toBe('blocked');
    expect(lookup.calls).toHaveLength(1);
    expect(blockedTarget.connections).toBe(0);
    expect(allowed.paths).not.toContain('/third');
  });
});

describe('response body bound', () => {
  let streaming: AddressReceiver;
  let bytesWritten = 0;
  let streamEnded = false;
  const CHUNK = Buffer.alloc(64 * 1024, 'x');
  const TOTAL_BYTES = 64 * 1024 * 1024;

  // Streams 64 MiB with backpressure, so it writes only as fast as the client reads.
  beforeAll(async () => {
    streaming = await startAddressReceiver('127.0.0.1', 0, (response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      const writeMore = () => {
        while (bytesWritten < TOTAL_BYTES) {
          bytesWritten += CHUNK.length;
          if (!response.write(CHUNK)) {
            response.once('drain', writeMore);
            return;
          }
        }
        response.end(() => {
          streamEnded = true;
        });
      };
      response.on('close', () => response.off('drain', writeMore));
      writeMore();
    });
  });

  afterAll(async () => {
    await streaming?.close();
  });

  it('bounds a huge response body', async () => {
    const startedAt = performance.now();
    const result = await post(
      `${streaming.url}/huge`,
      createGuardedAgent({ allowedNetworks: LOOPBACK_NETWORKS }),
    );
    const elapsedMs = performance.now() - startedAt;

    expect(result.outcome).toBe('succeeded');
    expect(result.responseBody).toBe('x'.repeat(1024));
    expect(elapsedMs).toBeLessThan(2_000);

    // Give the server a moment to notice the closed socket; then it must have stopped early.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(streamEnded).toBe(false);
    expect(bytesWritten).toBeLessThan(TOTAL_BYTES / 4);
  });
});
