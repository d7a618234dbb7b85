import { z } from 'zod';

import { ID_PREFIXES, type IdKind } from './ids.js';
import { expected } from './messages.js';

const ID_BODY_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** Schema of an id of one kind, with a message that shows the expected form. */
export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  return z
    .string(expected(`must be an id of the form ${prefix}<26 characters>`))
    .refine(
      (value) => value.startsWith(prefix) && ID_BODY_PATTERN.test(value.slice(prefix.length)),
      {
        message: `must be an id of the form ${prefix}<26 characters>`,
      },
    );
}

export const tableIdSchema = idSchema('table');
export const catalogWebhookIdSchema = idSchema('catalogWebhook');
export const eventIdSchema = idSchema('event');
export const deliveryIdSchema = idSchema('delivery');
