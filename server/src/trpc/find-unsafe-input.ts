import { formatFieldPath } from '@lasso/contracts';

/** Deepest nesting of objects and arrays an API input may have; real inputs stay far below it. */
export const MAX_INPUT_DEPTH = 64;

/** The first part of an input the service cannot safely take, with its field path and the problem. */
export interface UnsafeInput {
  field: string;
  message: string;
}

/**
 * Finds input that would pass validation but break later: a string with a NUL character, which
 * PostgreSQL text and jsonb cannot store, or nesting past MAX_INPUT_DEPTH, which overflows the
 * stack of recursive code such as JSON.stringify. Returns null when there is none. It walks
 * without recursion, so the walk itself survives any depth.
 */
export function findUnsafeInput(input: unknown): UnsafeInput | null {
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: input, path: [] }];

  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, path } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        return {
          field: formatFieldPath(path),
          message: 'must not contain NUL characters (U+0000)',
        };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') {
      continue;
    }
    if (path.length >= MAX_INPUT_DEPTH) {
      return {
        field: formatFieldPath(path),
        message: `is nested deeper than ${MAX_INPUT_DEPTH} levels`,
      };
    }

    const entries = Array.isArray(value)
      ? value.map((element, index) => [index, element] as const)
      : Object.entries(value);
    for (const [key, element] of entries) {
      // Keys are stored too, inside jsonb and JSON text.
      if (typeof key === 'string' && key.includes('\u0000')) {
        return {
          field: formatFieldPath(path),
          message: 'must not have a field name with a NUL character (U+0000)',
        };
      }
      pending.push({ value: element, path: [...path, key] });
    }
  }
  return null;
}
