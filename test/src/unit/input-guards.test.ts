import { describe, expect, it } from 'vitest';

import { findUnsafeInput, MAX_INPUT_DEPTH, RateLimiter } from '@lasso/server';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let index = 0; index < levels; index++) {
    value = { a: value };
  }
  return value;
}

describe('findUnsafeInput', () => {
  it('accepts ordinary input', () => {
    expect(
      findUnsafeInput({ name: 'Invoices', file_ids: ['a', 'b'], total_rows: 3, error: null }),
    ).toBeNull();
    expect(findUnsafeInput(undefined)).toBeNull();
    expect(findUnsafeInput('text')).toBeNull();
  });

  it('names the field of a NUL character', () => {
    expect(findUnsafeInput({ name: 'a\u0000b' })).toEqual({
      field: 'name',
      message: 'must not contain NUL characters (U+0000)',
    });
    expect(findUnsafeInput({ file_ids: ['ok', '\u0000'] })?.field).toBe('file_ids[1]');
    expect(findUnsafeInput({ data: { product: { tags: [{ label: '\u0000' }] } } })?.field).toBe(
      'data.product.tags[0].label',
    );
    expect(findUnsafeInput({ data: { ['bad\u0000key']: 1 } })?.field).toBe('data');
  });

  it(`allows ${MAX_INPUT_DEPTH} levels of nesting and no more`, () => {
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH))).toBeNull();
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH + 1))?.message).toBe(
      `is nested deeper than ${MAX_INPUT_DEPTH} levels`,
    );
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(findUnsafeInput(nested(100_000))).not.toBeNull();
  });
});

describe('RateLimiter', () => {
  it('allows a full burst, then one request per refill interval', () => {
    let now = 0;
    const limiter = new RateLimiter({ limitPerMinute: 60, now: () => now });

    for (let index = 0; index < 60; index++) {
      expect(limiter.take('key').allowed).toBe(true);
    }
    expect(limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 1 });

    now += 999;
    expect(limiter.take('key').allowed).toBe(false);
    now += 1;
    expect(limiter.take('key').allowed).toBe(true);
    expect(limiter.take('key').allowed).toBe(false);
  });

  it('says how long until the next request fits', () => {
    let now = 0;
    const limiter = new RateLimiter({ limitPerMinute: 2, now: () => now });
    limiter.take('key');
    limiter.take('key');

    expect(limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    now += 20_000;
    expect(limiter.take('key')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('keeps keys apart and refills to the limit only', () => {
    let now = 0;
    const limiter = new RateLimiter({ limitPerMinute: 1, now: () => now });

    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);

    now += 10 * 60_000;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });
});
