import { describe, expect, expectTypeOf, it } from 'vitest';

import type { WebhookPayloadOf } from '@lasso/contracts';

import { parseWebhook, parseWebhookOf, WebhookVerificationError } from './parse-webhook.js';
import { signPayload } from './signature.js';

const SECRET = 'whsec_test_secret';

const TABLE_COMPLETED =
  '{"event":"table.completed","timestamp":"2025-03-12T14:30:00.000Z","data":{"table_id":"tbl_abc123","status":"completed","total_rows":42}}';

const PRODUCT_UPDATED = JSON.stringify({
  event: 'product.updated',
  timestamp: '2025-03-12T14:31:00.000Z',
  data: {
    product_id: 'prod_1',
    product: { sku: 'A-1', price: 12 },
    previous_attributes: { price: 10 },
  },
});

function signedHeaders(body: string, secret = SECRET): Record<string, string> {
  return { 'content-type': 'application/json', 'x-lasso-signature': signPayload(body, secret) };
}

function catchVerificationError(parse: () => unknown): WebhookVerificationError {
  try {
    parse();
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a WebhookVerificationError, but parsing succeeded');
}

describe('parseWebhook', () => {
  it('parses a signed table.completed body', () => {
    const payload = parseWebhook(TABLE_COMPLETED, {
      headers: signedHeaders(TABLE_COMPLETED),
      secret: SECRET,
    });

    expect(payload).toEqual({
      event: 'table.completed',
      timestamp: '2025-03-12T14:30:00.000Z',
      data: { table_id: 'tbl_abc123', status: 'completed', total_rows: 42 },
    });
  });

  it('parses a signed product.updated body', () => {
    const payload = parseWebhook(Buffer.from(PRODUCT_UPDATED), {
      headers: signedHeaders(PRODUCT_UPDATED),
      secret: SECRET,
    });

    expect(payload.event).toBe('product.updated');
    if (payload.event === 'product.updated') {
      expectTypeOf(payload.data.product_id).toEqualTypeOf<string>();
      expect(payload.data.product_id).toBe('prod_1');
      expect(payload.data.previous_attributes).toEqual({ price: 10 });
    }
  });

  it('parses without headers when no secret is given', () => {
    const payload = parseWebhook(TABLE_COMPLETED);

    expect(payload.event).toBe('table.completed');
  });

  it('finds the signature header in any letter case', () => {
    const headers = { 'X-LASSO-SIGNATURE': signPayload(TABLE_COMPLETED, SECRET) };

    expect(parseWebhook(TABLE_COMPLETED, { headers, secret: SECRET }).event).toBe(
      'table.completed',
    );
  });

  it('reads the signature from a Fetch Headers object', () => {
    const headers = new Headers(signedHeaders(TABLE_COMPLETED));

    expect(parseWebhook(TABLE_COMPLETED, { headers, secret: SECRET }).event).toBe(
      'table.completed',
    );
  });

  it('accepts a one-element array header value', () => {
    const headers = { 'x-lasso-signature': [signPayload(TABLE_COMPLETED, SECRET)] };

    expect(parseWebhook(TABLE_COMPLETED, { headers, secret: SECRET }).event).toBe(
      'table.completed',
    );
  });

  it('rejects a missing signature header', () => {
    const error = catchVerificationError(() =>
      parseWebhook(TABLE_COMPLETED, {
        headers: { 'content-type': 'application/json' },
        secret: SECRET,
      }),
    );

    expect(error.reason).toBe('missing_signature');
    expect(error.message).toContain('X-Lasso-Signature');
  });

  it('reports missing signature without headers', () => {
    const error = catchVerificationError(() => parseWebhook(TABLE_COMPLETED, { secret: SECRET }));

    expect(error.reason).toBe('missing_signature');
  });

  it('rejects a signature made with another secret', () => {
    const error = catchVerificationError(() =>
      parseWebhook(TABLE_COMPLETED, {
        headers: signedHeaders(TABLE_COMPLETED, 'another_secret'),
        secret: SECRET,
      }),
    );

    expect(error.reason).toBe('invalid_signature');
    expect(error.message).not.toContain(SECRET);
  });

  it('rejects a tampered body before parsing it', () => {
    const headers = signedHeaders(TABLE_COMPLETED);
    const tampered = TABLE_COMPLETED.replace('42', '43');

    const error = catchVerificationError(() => parseWebhook(tampered, { headers, secret: SECRET }));

    expect(error.reason).toBe('invalid_signature');
  });

  it('rejects two signature headers', () => {
    const signature = signPayload(TABLE_COMPLETED, SECRET);
    const headers = { 'x-lasso-signature': signature, 'X-Lasso-Signature': signature };

    const error = catchVerificationError(() =>
      parseWebhook(TABLE_COMPLETED, { headers, secret: SECRET }),
    );

    expect(error.reason).toBe('invalid_signature');
  });

  it('rejects a body that is not JSON', () => {
    const error = catchVerificationError(() => parseWebhook('{"event":'));

    expect(error.reason).toBe('invalid_json');
    expect(error.message).toMatch(/^invalid JSON body/);
  });

  it('rejects an empty body as invalid JSON', () => {
    const error = catchVerificationError(() => parseWebhook(''));

    expect(error.reason).toBe('invalid_json');
  });

  it('rejects bytes that are not UTF-8 as invalid JSON', () => {
    const error = catchVerificationError(() => parseWebhook(new Uint8Array([0x7b, 0xff, 0x7d])));

    expect(error.reason).toBe('invalid_json');
  });

  it('rejects signed text that is not JSON', () => {
    const body = 'not json';

    const error = catchVerificationError(() =>
      parseWebhook(body, { headers: signedHeaders(body), secret: SECRET }),
    );

    expect(error.reason).toBe('invalid_json');
  });

  it('rejects an unknown event and names the field', () => {
    const body = JSON.stringify({
      event: 'table.deleted',
      timestamp: '2025-03-12T14:30:00.000Z',
      data: {},
    });

    const error = catchVerificationError(() => parseWebhook(body));

    expect(error.reason).toBe('invalid_payload');
    expect(error.issues.map((issue) => issue.field)).toEqual(['event']);
    expect(error.message).toContain('event');
  });

  it('rejects wrong data and names the nested field', () => {
    const body = TABLE_COMPLETED.replace('"total_rows":42', '"total_rows":"42"');

    const error = catchVerificationError(() => parseWebhook(body));

    expect(error.reason).toBe('invalid_payload');
    expect(error.issues.map((issue) => issue.field)).toEqual(['data.total_rows']);
    expect(error.message).toContain('data.total_rows');
  });

  it('rejects a timestamp without milliseconds', () => {
    const body = TABLE_COMPLETED.replace('14:30:00.000Z', '14:30:00Z');

    const error = catchVerificationError(() => parseWebhook(body));

    expect(error.reason).toBe('invalid_payload');
    expect(error.issues.map((issue) => issue.field)).toEqual(['timestamp']);
  });

  it('rejects a JSON array as invalid payload', () => {
    const error = catchVerificationError(() => parseWebhook('[]'));

    expect(error.reason).toBe('invalid_payload');
  });

  it('throws a TypeError for an already parsed body', () => {
    const parsed = JSON.parse(TABLE_COMPLETED) as unknown as string;

    expect(() => parseWebhook(parsed)).toThrow(TypeError);
  });
});

describe('parseWebhookOf', () => {
  it('returns the payload typed for the expected event', () => {
    const payload = parseWebhookOf('table.completed', TABLE_COMPLETED, {
      headers: signedHeaders(TABLE_COMPLETED),
      secret: SECRET,
    });

    expectTypeOf(payload).toEqualTypeOf<WebhookPayloadOf<'table.completed'>>();
    expect(payload.data.total_rows).toBe(42);
  });

  it('rejects another event and names both events', () => {
    const error = catchVerificationError(() => parseWebhookOf('table.failed', TABLE_COMPLETED));

    expect(error.reason).toBe('invalid_payload');
    expect(error.issues).toEqual([
      { field: 'event', message: 'expected table.failed, received table.completed' },
    ]);
  });

  it('verifies the signature before checking the event', () => {
    const error = catchVerificationError(() =>
      parseWebhookOf('product.updated', TABLE_COMPLETED, { headers: {}, secret: SECRET }),
    );

    expect(error.reason).toBe('missing_signature');
  });
});
