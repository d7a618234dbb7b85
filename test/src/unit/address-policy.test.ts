import { describe, expect, it } from 'vitest';

import {
  checkAddress,
  formatIpAddress,
  InvalidNetworkError,
  LOOPBACK_NETWORKS,
  parseIpAddress,
  parseIpNetwork,
  parseNetworkList,
  resolveAllowedNetworks,
  serviceEnvSchema,
} from '@lasso/server';

// Each blocked address with the block that the reason must name.
const REFUSED: Array<[address: string, block: string]> = [
  ['0.0.0.0', '0.0.0.0/8'],
  ['0.1.2.3', '0.0.0.0/8'],
  ['10.0.0.1', '10.0.0.0/8'],
  ['10.255.255.255', '10.0.0.0/8'],
  ['100.64.0.1', '100.64.0.0/10'],
  ['100.127.255.254', '100.64.0.0/10'],
  ['127.0.0.1', '127.0.0.0/8'],
  ['127.0.0.2', '127.0.0.0/8'],
  ['127.255.255.255', '127.0.0.0/8'],
  ['169.254.169.254', '169.254.0.0/16'],
  ['169.254.0.1', '169.254.0.0/16'],
  ['172.16.0.1', '172.16.0.0/12'],
  ['172.31.255.255', '172.16.0.0/12'],
  ['192.0.0.8', '192.0.0.0/24'],
  ['192.0.2.1', '192.0.2.0/24'],
  ['192.88.99.1', '192.88.99.0/24'],
  ['192.168.0.1', '192.168.0.0/16'],
  ['192.168.255.255', '192.168.0.0/16'],
  ['198.18.0.1', '198.18.0.0/15'],
  ['198.19.255.255', '198.18.0.0/15'],
  ['198.51.100.7', '198.51.100.0/24'],
  ['203.0.113.9', '203.0.113.0/24'],
  ['224.0.0.1', '224.0.0.0/4'],
  ['239.255.255.250', '224.0.0.0/4'],
  ['240.0.0.1', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255/32'],
  ['::', '::/128'],
  ['::1', '::1/128'],
  ['0:0:0:0:0:0:0:1', '::1/128'],
  ['fc00::1', 'fc00::/7'],
  ['fd12:3456:789a::1', 'fc00::/7'],
  ['fe80::1', 'fe80::/10'],
  ['fe80::1%eth0', 'fe80::/10'],
  ['febf:ffff::1', 'fe80::/10'],
  ['fec0::1', 'fec0::/10'],
  ['ff02::1', 'ff00::/8'],
  ['2001:db8::1', '2001:db8::/32'],
  ['3fff::1', '3fff::/20'],
  ['2001::1', '2001::/32'],
  ['2001:2::1', '2001:2::/48'],
  ['100::1', '100::/64'],
  ['64:ff9b:1::1', '64:ff9b:1::/48'],
  // IPv4-mapped: the connection goes to the IPv4 address, so its block is named.
  ['::ffff:127.0.0.1', '127.0.0.0/8'],
  ['::ffff:7f00:1', '127.0.0.0/8'],
  ['::FFFF:7F00:0001', '127.0.0.0/8'],
  ['0:0:0:0:0:ffff:7f00:1', '127.0.0.0/8'],
  ['::ffff:10.0.0.1', '10.0.0.0/8'],
  ['::ffff:169.254.169.254', '169.254.0.0/16'],
  ['::ffff:a9fe:a9fe', '169.254.0.0/16'],
  ['::ffff:0.0.0.0', '0.0.0.0/8'],
  ['::ffff:192.168.1.1', '192.168.0.0/16'],
  // IPv6 forms that carry an IPv4 address: NAT64, 6to4, IPv4-compatible, IPv4-translated.
  ['64:ff9b::127.0.0.1', '127.0.0.0/8'],
  ['64:ff9b::7f00:1', '127.0.0.0/8'],
  ['64:ff9b::a9fe:a9fe', '169.254.0.0/16'],
  ['64:ff9b::10.1.2.3', '10.0.0.0/8'],
  ['2002:7f00:1::', '127.0.0.0/8'],
  ['2002:a9fe:a9fe::1', '169.254.0.0/16'],
  ['2002:c0a8:101:1::1', '192.168.0.0/16'],
  ['::127.0.0.1', '127.0.0.0/8'],
  ['::7f00:1', '127.0.0.0/8'],
  ['::10.0.0.1', '10.0.0.0/8'],
  ['::ffff:0:127.0.0.1', '127.0.0.0/8'],
];

const ALLOWED_BY_DEFAULT = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.216.34',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.255',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  '2001:4860:4860::8888',
];

describe('checkAddress with nothing open', () => {
  for (const [address, block] of REFUSED) {
    it(`blocks ${address}`, () => {
      const verdict = checkAddress(address, []);
      expect(verdict.allowed).toBe(false);
      expect(verdict.allowed ? '' : verdict.reason).toContain(`(${block})`);
    });
  }

  for (const address of ALLOWED_BY_DEFAULT) {
    it(`allows ${address}`, () => {
      expect(checkAddress(address, [])).toEqual({ allowed: true });
    });
  }

  it('blocks text that is not an address', () => {
    for (const text of ['localhost', '', '127.1', '0x7f000001', '1.2.3.4.5', '::g', '01.2.3.4']) {
      expect(checkAddress(text, [])).toEqual({ allowed: false, reason: 'not an IP address' });
    }
  });

  it('names the IPv4 address inside an IPv6 form', () => {
    const verdict = checkAddress('64:ff9b::a9fe:a9fe', []);
    expect(verdict).toEqual({
      allowed: false,
      reason: 'an IPv6 form of 169.254.169.254, which is link-local (169.254.0.0/16)',
    });
  });
});

describe('checkAddress with loopback open', () => {
  it('allows every loopback form', () => {
    for (const address of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.255.254',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(checkAddress(address, LOOPBACK_NETWORKS)).toEqual({ allowed: true });
    }
  });

  it('still blocks the other blocks', () => {
    for (const address of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '169.254.169.254',
      '::ffff:10.0.0.1',
      'fe80::1',
      '192.168.1.1',
    ]) {
      expect(checkAddress(address, LOOPBACK_NETWORKS).allowed).toBe(false);
    }
  });

  it('blocks loopback carried in NAT64, 6to4 and compatible forms', () => {
    for (const address of ['64:ff9b::7f00:1', '2002:7f00:1::', '::127.0.0.1']) {
      expect(checkAddress(address, LOOPBACK_NETWORKS).allowed).toBe(false);
    }
  });
});

describe('checkAddress with chosen blocks open', () => {
  const open = parseNetworkList('10.1.0.0/16, fd00::/8, 169.254.169.254/32');

  it('allows addresses inside an open block', () => {
    for (const address of [
      '10.1.0.1',
      '10.1.255.255',
      'fd00::1',
      'fdff:ffff::1',
      '169.254.169.254',
      '::ffff:10.1.2.3',
    ]) {
      expect(checkAddress(address, open)).toEqual({ allowed: true });
    }
  });

  it('blocks neighbours of an open block', () => {
    for (const address of ['10.0.255.255', '10.2.0.0', 'fc00::1', '169.254.169.253', '127.0.0.1']) {
      expect(checkAddress(address, open).allowed).toBe(false);
    }
  });

  it('opens an IPv6 carrier form only by its own block', () => {
    expect(checkAddress('64:ff9b::7f00:1', parseNetworkList('64:ff9b::/96'))).toEqual({
      allowed: true,
    });
    expect(checkAddress('64:ff9b::7f00:1', parseNetworkList('127.0.0.0/8')).allowed).toBe(false);
  });
});

describe('parseIpAddress', () => {
  it('reads both families', () => {
    expect(parseIpAddress('192.168.1.2')).toEqual({ family: 4, value: 0xc0a80102n });
    expect(parseIpAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIpAddress('2001:db8::ff00:42:8329')).toEqual({
      family: 6,
      value: 0x20010db8000000000000ff0000428329n,
    });
    expect(parseIpAddress('::ffff:1.2.3.4')).toEqual({ family: 6, value: 0xffff01020304n });
    expect(parseIpAddress('1::')).toEqual({ family: 6, value: 1n << 112n });
  });

  it('returns null for anything else', () => {
    for (const text of [
      '',
      'example.com',
      '1.2.3',
      '256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      ':::1',
      '[::1]',
    ]) {
      expect(parseIpAddress(text)).toBeNull();
    }
  });

  it('writes addresses back in their usual form', () => {
    for (const text of [
      '10.0.0.1',
      '::',
      '::1',
      '1::',
      'fe80::1',
      '2001:db8::ff00:42:8329',
      '1:0:0:2::3',
      '1:2:3:4:5:6:7:8',
    ]) {
      expect(formatIpAddress(parseIpAddress(text)!)).toBe(text);
    }
  });
});

describe('parseIpNetwork', () => {
  it('reads blocks and bare addresses', () => {
    expect(parseIpNetwork('10.0.0.0/8')).toMatchObject({
      family: 4,
      base: 0x0a000000n,
      prefixLength: 8,
    });
    expect(parseIpNetwork('0.0.0.0/0')).toMatchObject({ family: 4, base: 0n, prefixLength: 0 });
    expect(parseIpNetwork('127.0.0.2')).toMatchObject({ family: 4, prefixLength: 32 });
    expect(parseIpNetwork('::1')).toMatchObject({ family: 6, base: 1n, prefixLength: 128 });
  });

  it('rejects text that is not a block', () => {
    const invalid = [
      '10.0.0.1/8',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      'foo/8',
      'fe80::%eth0/64',
      '10.0.0.0/0x8',
    ];
    for (const text of invalid) {
      expect(() => parseIpNetwork(text), text).toThrow(InvalidNetworkError);
    }
  });

  it('names the block in its error', () => {
    expect(() => parseIpNetwork('10.0.0.1/8')).toThrow(
      '"10.0.0.1/8" has bits set after the /8 prefix',
    );
  });
});

describe('WEBHOOK_ALLOWED_NETWORKS', () => {
  const parse = (value: string | undefined) =>
    serviceEnvSchema.safeParse(value === undefined ? {} : { WEBHOOK_ALLOWED_NETWORKS: value });

  it('reads a comma-separated list', () => {
    const result = parse(' 10.0.0.0/8 ,fd00::/8,');
    expect(result.success).toBe(true);
    expect(result.data?.WEBHOOK_ALLOWED_NETWORKS?.map((network) => network.cidr)).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
    ]);
  });

  it('reads none as an empty list', () => {
    expect(parse('none').data?.WEBHOOK_ALLOWED_NETWORKS).toEqual([]);
    expect(parse('NONE').data?.WEBHOOK_ALLOWED_NETWORKS).toEqual([]);
  });

  it('leaves unset and empty as undefined', () => {
    expect(parse(undefined).data?.WEBHOOK_ALLOWED_NETWORKS).toBeUndefined();
    expect(parse('').data?.WEBHOOK_ALLOWED_NETWORKS).toBeUndefined();
  });

  it('rejects an invalid entry by name', () => {
    const result = parse('10.0.0.0/8, 300.0.0.0/8');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['WEBHOOK_ALLOWED_NETWORKS']);
    expect(result.error?.issues[0]?.message).toContain('"300.0.0.0/8" is not a CIDR network');
  });
});

describe('resolveAllowedNetworks', () => {
  const cidrs = (options: Parameters<typeof resolveAllowedNetworks>[0]) =>
    resolveAllowedNetworks(options).map((network) => network.cidr);

  it('opens loopback for a local run', () => {
    expect(cidrs({ configured: undefined, nodeEnv: undefined, localRun: true })).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
    expect(cidrs({ configured: undefined, nodeEnv: 'development', localRun: true })).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
  });

  it('opens nothing in production or for a standalone worker', () => {
    expect(cidrs({ configured: undefined, nodeEnv: 'production', localRun: true })).toEqual([]);
    expect(cidrs({ configured: undefined, nodeEnv: undefined, localRun: false })).toEqual([]);
  });

  it('takes an explicit setting over the default', () => {
    expect(cidrs({ configured: [], nodeEnv: undefined, localRun: true })).toEqual([]);
    expect(
      cidrs({ configured: parseNetworkList('10.0.0.0/8'), nodeEnv: 'production', localRun: false }),
    ).toEqual(['10.0.0.0/8']);
  });
});
