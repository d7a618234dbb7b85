import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signPayload, verifySignature } from './signature.js';

const BODY =
  '{"event":"table.completed","timestamp":"2025-03-12T14:30:00.000Z","data":{"table_id":"tbl_abc123","status":"completed","total_rows":42}}';
const SECRET = 'whsec_test_secret';

// Computed once with: printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec_test_secret
const BODY_SIGNATURE = 'sha256=d551a2739251f538fa7041702588e0ab3897fee129a5a9a7bcfd0061579284c4';

// Computed once with: printf '%s' 'héllo' | openssl dgst -sha256 -hmac 'clé' (UTF-8 terminal)
const NON_ASCII_SIGNATURE =
  'sha256=91d9ef50d798155011df8385e8f772707a6ce937d8114ac1456f05231f2b6bad';

describe('signPayload', () => {
  it('matches an HMAC computed with node:crypto', () => {
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(BODY).digest('hex');

    expect(signPayload(BODY, SECRET)).toBe(expected);
  });

  it('matches the signature computed by openssl', () => {
    expect(signPayload(BODY, SECRET)).toBe(BODY_SIGNATURE);
  });

  it('keys and hashes non-ASCII text as UTF-8', () => {
    expect(signPayload('héllo', 'clé')).toBe(NON_ASCII_SIGNATURE);
  });

  it('signs bytes the same as the equal string', () => {
    const bytes = new TextEncoder().encode(BODY);

    expect(signPayload(bytes, SECRET)).toBe(BODY_SIGNATURE);
    expect(signPayload(Buffer.from(BODY), SECRET)).toBe(BODY_SIGNATURE);
  });

  it('signs only the viewed bytes of a subarray', () => {
    const padded = Buffer.from(`xx${BODY}yy`);
    const view = padded.subarray(2, padded.length - 2);

    expect(signPayload(view, SECRET)).toBe(BODY_SIGNATURE);
  });

  it('writes lowercase hex after the prefix', () => {
    expect(signPayload('{}', SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('rejects an empty secret', () => {
    expect(() => signPayload(BODY, '')).toThrow(TypeError);
  });

  it('rejects a parsed object as body', () => {
    const parsed = JSON.parse(BODY) as unknown as string;

    expect(() => signPayload(parsed, SECRET)).toThrow(/raw request body/);
  });
});

describe('verifySignature', () => {
  it('accepts the matching signature', () => {
    expect(verifySignature(BODY, BODY_SIGNATURE, SECRET)).toBe(true);
  });

  it('accepts the matching signature of bytes', () => {
    expect(verifySignature(Buffer.from(BODY), BODY_SIGNATURE, SECRET)).toBe(true);
  });

  it('rejects a tampered body', () => {
    const tampered = BODY.replace('"total_rows":42', '"total_rows":43');

    expect(verifySignature(tampered, BODY_SIGNATURE, SECRET)).toBe(false);
  });

  it('rejects a body with added whitespace', () => {
    expect(verifySignature(BODY + '\n', BODY_SIGNATURE, SECRET)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifySignature(BODY, BODY_SIGNATURE, 'another_secret')).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(verifySignature(BODY, undefined, SECRET)).toBe(false);
    expect(verifySignature(BODY, null, SECRET)).toBe(false);
    expect(verifySignature(BODY, '', SECRET)).toBe(false);
  });

  it('rejects headers of the wrong length', () => {
    expect(verifySignature(BODY, BODY_SIGNATURE.slice(0, -1), SECRET)).toBe(false);
    expect(verifySignature(BODY, BODY_SIGNATURE + '0', SECRET)).toBe(false);
    expect(verifySignature(BODY, 'sha256=', SECRET)).toBe(false);
  });

  it('rejects headers of another form', () => {
    const hex = BODY_SIGNATURE.slice('sha256='.length);

    expect(verifySignature(BODY, hex, SECRET)).toBe(false);
    expect(verifySignature(BODY, `sha512=${hex}`, SECRET)).toBe(false);
    expect(verifySignature(BODY, BODY_SIGNATURE.toUpperCase(), SECRET)).toBe(false);
    expect(verifySignature(BODY, ` ${BODY_SIGNATURE}`, SECRET)).toBe(false);
    expect(verifySignature(BODY, `${BODY_SIGNATURE}, ${BODY_SIGNATURE}`, SECRET)).toBe(false);
  });

  it('rejects multi-byte header characters', () => {
    // 71 characters like a real signature, but more than 71 bytes in UTF-8.
    const sameLength = 'sha256=' + 'é'.repeat(64);

    expect(verifySignature(BODY, sameLength, SECRET)).toBe(false);
  });

  it('throws on empty secret without header', () => {
    expect(() => verifySignature(BODY, undefined, '')).toThrow(TypeError);
  });
});
