import { z } from 'zod';
import { expected } from './messages.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MAX_SECRET_LENGTH = 1024;
export const MAX_AUTH_HEADER_NAME_LENGTH = 256;
export const MAX_AUTH_HEADER_VALUE_BYTES = 4096;

/** Endpoint URL: absolute http or https, without user info, at most 2,048 characters. */
export const webhookUrlSchema = z
  .string(expected('must be an http or https URL'))
  .max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return;
    }

    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      context.addIssue({ code: 'custom', message: 'must be an http or https URL' });
      return;
    }

    // Credentials in a URL end up in logs and records; a custom auth header is the place for them.
    if (url.username !== '' || url.password !== '') {
      context.addIssue({
        code: 'custom',
        message: 'must not contain user info; send credentials with a custom auth header',
      });
    }
  });

/** HMAC key for signatures; stored, never returned. */
export const webhookSecretSchema = z
  .string(expected('must be a string'))
  .min(1, 'must not be empty')
  .max(MAX_SECRET_LENGTH, `must be at most ${MAX_SECRET_LENGTH} characters`);

// RFC 9110 section 5.6.2: a header name is a token.
const TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Headers the platform sets itself or that belong to the HTTP transport.
const RESERVED_HEADER_NAMES = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'user-agent',
]);

/** True when a header name is one the platform or the transport owns. */
export function isReservedHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADER_NAMES.has(lower) || lower.startsWith('x-lasso-');
}

/** Name of a custom auth header: an HTTP token that the platform does not set itself. */
export const authHeaderNameSchema = z
  .string(expected('must be a string'))
  .min(1, 'must not be empty')
  .max(MAX_AUTH_HEADER_NAME_LENGTH, `must be at most ${MAX_AUTH_HEADER_NAME_LENGTH} characters`)
  .regex(TOKEN_PATTERN, "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~")
  .refine((name) => !isReservedHeaderName(name), {
    message: 'is set by the platform or the transport; choose another header name',
  });

// Visible ASCII, space and tab: no CR or LF, so a value can never start a new header.
const HEADER_VALUE_PATTERN = /^[\x20-\x7E\t]*$/;

/** Value of a custom auth header; stored, never returned. */
export const authHeaderValueSchema = z
  .string(expected('must be a string'))
  .min(1, 'must not be empty')
  .max(MAX_AUTH_HEADER_VALUE_BYTES, `must be at most ${MAX_AUTH_HEADER_VALUE_BYTES} bytes`)
  .regex(HEADER_VALUE_PATTERN, 'must contain only visible ASCII characters, spaces and tabs');

/**
 * Adds an issue when only one of a header name and value is given; they come together or not at all.
 */
export function requireHeaderPair(
  value: Record<string, unknown>,
  context: z.RefinementCtx,
  fields: { name: string; value: string },
): void {
  const hasName = value[fields.name] !== undefined && value[fields.name] !== null;
  const hasValue = value[fields.value] !== undefined && value[fields.value] !== null;

  if (hasName && !hasValue) {
    context.addIssue({
      code: 'custom',
      path: [fields.value],
      message: `is required when ${fields.name} is set`,
    });
  }
  if (hasValue && !hasName) {
    context.addIssue({
      code: 'custom',
      path: [fields.name],
      message: `is required when ${fields.value} is set`,
    });
  }
}
