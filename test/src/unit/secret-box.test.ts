import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  InvalidSecretKeyError,
  parseSecretKey,
  SecretBox,
  SecretUnreadableError,
  serviceEnvSchema,
} from '@lasso/server';

const keyA = parseSecretKey(randomBytes(32).toString('base64'));
const keyB = parseSecretKey(randomBytes(32).toString('hex'));

describe('parseSecretKey', () => {
  it('reads 32 bytes as hex, base64 and base64url', () => {
    const bytes = randomBytes(32);
    const unpadded = bytes.toString('base64').replace(/=$/, '');

    expect(parseSecretKey(bytes.toString('hex')).bytes.equals(bytes)).toBe(true);
    expect(parseSecretKey(bytes.toString('hex').toUpperCase()).bytes.equals(bytes)).toBe(true);
    expect(parseSecretKey(bytes.toString('base64')).bytes.equals(bytes)).toBe(true);
    expect(parseSecretKey(unpadded).bytes.equals(bytes)).toBe(true);
    expect(parseSecretKey(bytes.toString('base64url')).bytes.equals(bytes)).toBe(true);
    expect(parseSecretKey(` ${bytes.toString('hex')}\n`).bytes.equals(bytes)).toBe(true);
  });

  it('gives the same key the same id and other keys other ids', () => {
    const bytes = randomBytes(32);
    expect(parseSecretKey(bytes.toString('hex')).id).toBe(
      parseSecretKey(bytes.toString('base64')).id,
    );
    expect(parseSecretKey(bytes.toString('hex')).id).toMatch(/^[0-9a-f]{8}$/);
    expect(keyA.id).not.toBe(keyB.id);
  });

  it('rejects keys of another length or alphabet', () => {
    const invalid = [
      '',
      'secret',
      randomBytes(16).toString('hex'),
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('hex') + '0',
      'z'.repeat(64),
      `${randomBytes(32).toString('base64').slice(0, 42)}!=`,
    ];
    for (const text of invalid) {
      expect(() => parseSecretKey(text), text).toThrow(InvalidSecretKeyError);
    }
  });

  it('never repeats the key in its error', () => {
    const text = randomBytes(31).toString('hex');
    try {
      parseSecretKey(text);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(text);
      expect((error as Error).message).toContain('openssl rand -base64 32');
    }
  });
});

describe('secret key settings', () => {
  it('lists each invalid key without its text', () => {
    const badCurrent = 'not-a-key-at-all';
    const badPrevious = randomBytes(20).toString('hex');
    const result = serviceEnvSchema.safeParse({
      LASSO_SECRET_KEY: badCurrent,
      LASSO_PREVIOUS_SECRET_KEYS: `${randomBytes(32).toString('hex')},${badPrevious}`,
    });

    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    expect(issues.map((issue) => issue.path[0])).toEqual([
      'LASSO_SECRET_KEY',
      'LASSO_PREVIOUS_SECRET_KEYS',
    ]);
    expect(issues[1]?.message).toMatch(/^key 2 must be 32 random bytes/);
    expect(JSON.stringify(issues)).not.toContain(badCurrent);
    expect(JSON.stringify(issues)).not.toContain(badPrevious);
  });

  it('reads valid keys and treats empty values as unset', () => {
    const current = randomBytes(32).toString('base64');
    const parsed = serviceEnvSchema.parse({
      LASSO_SECRET_KEY: current,
      LASSO_PREVIOUS_SECRET_KEYS: '',
    });

    expect(parsed.LASSO_SECRET_KEY?.id).toBe(parseSecretKey(current).id);
    expect(parsed.LASSO_PREVIOUS_SECRET_KEYS).toEqual([]);
    expect(serviceEnvSchema.parse({ LASSO_SECRET_KEY: '' }).LASSO_SECRET_KEY).toBeUndefined();
  });
});

describe('SecretBox', () => {
  it('encrypts under the current key and reads the value back', () => {
    const box = new SecretBox({ current: keyA });
    const sealed = box.seal('whsec_signing-secret');

    expect(sealed).toMatch(new RegExp(`^enc:v1:${keyA.id}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('whsec_signing-secret');
    expect(box.open(sealed)).toBe('whsec_signing-secret');
  });

  it('uses a new IV for every value', () => {
    const box = new SecretBox({ current: keyA });
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('round-trips empty, long and non-ASCII values', () => {
    const box = new SecretBox({ current: keyA });
    for (const value of ['', 'x'.repeat(4096), 'clé secrète ✓', 'enc:v1:looks:like:this']) {
      expect(box.open(box.seal(value))).toBe(value);
    }
  });

  it('reads rows under a previous key and rows stored unencrypted', () => {
    const oldSealed = new SecretBox({ current: keyA }).seal('old-secret');
    const rotated = new SecretBox({ current: keyB, previous: [keyA] });

    expect(rotated.open(oldSealed)).toBe('old-secret');
    expect(rotated.open('plaintext-from-before')).toBe('plaintext-from-before');
  });

  it('names the missing key id and never the value', () => {
    const sealed = new SecretBox({ current: keyA }).seal('lost-secret');
    const box = new SecretBox({ current: keyB });

    expect(() => box.open(sealed)).toThrow(SecretUnreadableError);
    expect(() => box.open(sealed)).toThrow(`encrypted with key ${keyA.id}`);
    try {
      box.open(sealed);
    } catch (error) {
      expect((error as Error).message).not.toContain('lost-secret');
      expect((error as Error).message).not.toContain(sealed.split(':')[4]);
    }
  });

  it('rejects an altered value', () => {
    const box = new SecretBox({ current: keyA, previous: [keyB] });
    const sealed = box.seal('tamper-me');
    const [prefix, version, keyId, iv, data] = sealed.split(':') as [
      string,
      string,
      string,
      string,
      string,
    ];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;

    expect(() =>
      box.open([prefix, version, keyId, iv, flipped.toString('base64url')].join(':')),
    ).toThrow(SecretUnreadableError);
    // The key id is authenticated: a value cannot be passed off as another key's.
    expect(() => box.open([prefix, version, keyB.id, iv, data].join(':'))).toThrow(
      SecretUnreadableError,
    );
    expect(() => box.open(`enc:v1:${keyA.id}:only-two-parts`)).toThrow(SecretUnreadableError);
    expect(() => box.open(`enc:v1:${keyA.id}::`)).toThrow(SecretUnreadableError);
  });

  it('stores values as given without a key, marking those that look encrypted', () => {
    const box = new SecretBox();

    expect(box.seal('plain-secret')).toBe('plain-secret');
    expect(box.seal('enc:v1:abc:def:ghi')).toBe('plain:enc:v1:abc:def:ghi');
    expect(box.open(box.seal('enc:v1:abc:def:ghi'))).toBe('enc:v1:abc:def:ghi');
    expect(box.open(box.seal('plain:x'))).toBe('plain:x');
  });

  it('tells which stored values a rotation must rewrite', () => {
    const underA = new SecretBox({ current: keyA }).seal('a');
    const underB = new SecretBox({ current: keyB }).seal('b');
    const rotated = new SecretBox({ current: keyB, previous: [keyA] });
    const withoutKey = new SecretBox({ previous: [keyA, keyB] });

    expect(rotated.isCurrent(underB)).toBe(true);
    expect(rotated.isCurrent(underA)).toBe(false);
    expect(rotated.isCurrent('plaintext')).toBe(false);
    expect(withoutKey.isCurrent('plaintext')).toBe(true);
    expect(withoutKey.isCurrent(underA)).toBe(false);
    expect(withoutKey.open(underB)).toBe('b');
  });
});
