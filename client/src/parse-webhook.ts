import {
  DELIVERY_HEADERS,
  describeZodError,
  webhookPayloadSchema,
  type EventName,
  type FieldIssue,
  type WebhookPayload,
  type WebhookPayloadOf,
} from '@lasso/contracts';

import { verifySignature } from './signature.js';

/** Reasons a received webhook is rejected, as `WebhookVerificationError.reason` reports them. */
export const WEBHOOK_VERIFICATION_REASONS = [
  'invalid_signature',
  'missing_signature',
  'invalid_json',
  'invalid_payload',
] as const;

/** Reason a received webhook is rejected. */
export type WebhookVerificationReason = (typeof WEBHOOK_VERIFICATION_REASONS)[number];

/** Error thrown when a received webhook fails its signature check, JSON parsing or validation. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  /** Check that failed. */
  readonly reason: WebhookVerificationReason;

  /** Field problems of an `invalid_payload` error, empty for the other reasons. */
  readonly issues: readonly FieldIssue[];

  constructor(
    reason: WebhookVerificationReason,
    message: string,
    options: { issues?: readonly FieldIssue[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.issues = options.issues ?? [];
  }
}

/** Request headers as Node's `IncomingMessage.headers`, a plain object or a Fetch `Headers`. */
export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

/** Options of `parseWebhook`. */
export interface ParseWebhookOptions {
  /** Request headers. The `X-Lasso-Signature` lookup ignores case. */
  headers?: WebhookHeaders;
  /** Endpoint secret. When set, the signature is checked before the body is parsed. */
  secret?: string;
}

/**
 * Verifies (when `secret` is set), parses and validates a raw webhook body. Throws a
 * `WebhookVerificationError` whose `reason` names the check that failed, or a TypeError when `secret`
 * is empty or `body` is not the raw body as a string or bytes.
 */
export function parseWebhook(
  body: string | Uint8Array,
  options: ParseWebhookOptions = {},
): WebhookPayload {
  if (options.secret !== undefined) {
    checkSignature(body, options.headers, options.secret);
  }

  const json = parseJson(body);
  const result = webhookPayloadSchema.safeParse(json);
  if (!result.success) {
    const { message, issues } = describeZodError(result.error);
    throw new WebhookVerificationError('invalid_payload', `invalid webhook payload: ${message}`, {
      issues,
      cause: result.error,
    });
  }

  return result.data;
}

/**
 * Parses a webhook like `parseWebhook` and also requires its event to be `name`, throwing a
 * `WebhookVerificationError` with reason `invalid_payload` when the event differs.
 */
export function parseWebhookOf<Name extends EventName>(
  name: Name,
  body: string | Uint8Array,
  options: ParseWebhookOptions = {},
): WebhookPayloadOf<Name> {
  const payload = parseWebhook(body, options);
  if (!isEvent(payload, name)) {
    const message = `invalid webhook payload: event: expected ${name}, received ${payload.event}`;
    throw new WebhookVerificationError('invalid_payload', message, {
      issues: [{ field: 'event', message: `expected ${name}, received ${payload.event}` }],
    });
  }

  return payload;
}

function isEvent<Name extends EventName>(
  payload: WebhookPayload,
  name: Name,
): payload is WebhookPayloadOf<Name> {
  return payload.event === name;
}

function checkSignature(
  body: string | Uint8Array,
  headers: WebhookHeaders | undefined,
  secret: string,
): void {
  const headerName = DELIVERY_HEADERS.signature;
  const values = headers === undefined ? [] : readHeader(headers, headerName);

  if (values.length === 0) {
    throw new WebhookVerificationError('missing_signature', `missing ${headerName} header`);
  }

  // Deliveries carry one signature, so several copies mean the request was not sent as signed.
  if (values.length > 1) {
    throw new WebhookVerificationError(
      'invalid_signature',
      `invalid ${headerName} header: expected one value, received ${values.length}`,
    );
  }

  if (!verifySignature(body, values[0], secret)) {
    throw new WebhookVerificationError(
      'invalid_signature',
      `invalid ${headerName} header: it does not match the body signed with the secret`,
    );
  }
}

// HTTP header names are case-insensitive (RFC 9110 section 5.1), so a plain object may spell
// them either way, and more than one key may match.
function readHeader(headers: WebhookHeaders, name: string): string[] {
  if (headers instanceof Headers) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }

  const lowerName = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lowerName || value === undefined) {
      continue;
    }
    if (Array.isArray(value)) {
      values.push(...value);
    } else {
      values.push(value);
    }
  }

  return values;
}

function parseJson(body: string | Uint8Array): unknown {
  const text = decodeBody(body);

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new WebhookVerificationError('invalid_json', `invalid JSON body: ${detail}`, {
      cause: error,
    });
  }
}

function decodeBody(body: string | Uint8Array): string {
  if (typeof body === 'string') {
    return body;
  }

  if (!(body instanceof Uint8Array)) {
    throw new TypeError(
      'body must be the raw request body as a string or bytes, not a parsed object',
    );
  }

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new WebhookVerificationError('invalid_json', 'invalid JSON body: it is not valid UTF-8', {
      cause: error,
    });
  }
}
