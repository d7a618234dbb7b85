import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Page size and cursor fields shared by every list input; strings are coerced for query strings. */
export const pageInputShape = {
  limit: z.coerce
    .number({ message: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(MAX_PAGE_SIZE, 'must be a whole number from 1 to 100')
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(200).optional(),
};

/** Schema of one page of a list: the items and the cursor of the next page, or null at the end. */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable(),
  });
}

export interface Page<Item> {
  data: Item[];
  next_cursor: string | null;
}
