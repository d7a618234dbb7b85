import type { z } from 'zod';

import {
  catalogWebhookIdSchema,
  deliveryIdSchema,
  deliveryStatusSchema,
  eventNameSchema,
  recoverDeliveriesInputSchema,
  tableIdSchema,
  type DeliveryStatus,
  type EventName,
} from '@lasso/contracts';

/** Error for one invalid option value; the message names the option and the value received. */
export class OptionValueError extends Error {
  override readonly name = 'OptionValueError';
}

const DURATION_UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+)([mhd])$/;

/** Checks a value with a contract schema and returns it, or throws naming `subject` and the value. */
function parseWith<Value>(schema: z.ZodType<Value>, subject: string, raw: string): Value {
  const result = schema.safeParse(raw);
  if (result.success) {
    return result.data;
  }
  const reason = result.error.issues[0]?.message ?? 'is invalid';
  throw new OptionValueError(`${subject} ${reason}, received ${JSON.stringify(raw)}`);
}

export function parseDeliveryId(raw: string): string {
  return parseWith(deliveryIdSchema, 'the delivery id', raw);
}

export function parseTableId(option: string, raw: string): string {
  return parseWith(tableIdSchema, option, raw);
}

export function parseCatalogWebhookId(option: string, raw: string): string {
  return parseWith(catalogWebhookIdSchema, option, raw);
}

export function parseEventName(raw: string): EventName {
  return parseWith(eventNameSchema, '--event', raw);
}

export function parseStatus(raw: string): DeliveryStatus {
  return parseWith(deliveryStatusSchema, '--status', raw);
}

/** Parses a whole number in `range`, both ends included. The error names `option`. */
export function parseWholeNumber(
  option: string,
  raw: string,
  range: { min: number; max: number },
): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range.min || value > range.max) {
    throw new OptionValueError(
      `${option} must be a whole number from ${range.min} to ${range.max}, received ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Parses `--since`: an ISO 8601 time with Z or an offset, which is returned as given, or a
 * duration before `now` in minutes, hours or days (`30m`, `6h`, `2d`), returned as a UTC time.
 */
export function parseSince(raw: string, now: Date): string {
  const duration = DURATION_PATTERN.exec(raw);
  if (duration !== null) {
    const amount = Number(duration[1]);
    const unitMs = DURATION_UNIT_MS[duration[2] as keyof typeof DURATION_UNIT_MS];
    const since = new Date(now.getTime() - amount * unitMs);
    if (Number.isNaN(since.getTime())) {
      throw new OptionValueError(`--since ${raw} reaches before the earliest time a date can hold`);
    }
    return since.toISOString();
  }

  const result = recoverDeliveriesInputSchema.shape.since.safeParse(raw);
  if (!result.success) {
    throw new OptionValueError(
      `--since must be an ISO 8601 time with Z or an offset, such as 2025-03-12T14:30:00Z, ` +
        `or a duration such as 30m, 6h or 2d; received ${JSON.stringify(raw)}`,
    );
  }
  return result.data;
}
