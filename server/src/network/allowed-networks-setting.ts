import { z } from 'zod';

import { parseNetworkList } from './allowed-networks.js';
import { InvalidNetworkError, type IpNetwork } from './ip-network.js';

/**
 * WEBHOOK_ALLOWED_NETWORKS as the environment gives it: unset (or empty) stays undefined so the
 * process picks its default, `none` is an empty list, anything else is comma-separated CIDR blocks.
 */
export const allowedNetworksSetting = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .string()
    .optional()
    .transform((value, context): IpNetwork[] | undefined => {
      if (value === undefined) {
        return undefined;
      }
      try {
        return parseNetworkList(value);
      } catch (error) {
        if (!(error instanceof InvalidNetworkError)) {
          throw error;
        }
        context.addIssue({
          code: 'custom',
          message: `${error.message}; separate blocks with commas, or write none`,
        });
        return z.NEVER;
      }
    }),
);
