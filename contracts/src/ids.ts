/** Prefixes that tell an id's kind at a glance. */
export const ID_PREFIXES = {
  table: 'tbl_',
  catalogWebhook: 'whk_',
  event: 'evt_',
  delivery: 'dlv_',
  attempt: 'att_',
  apiKey: 'key_',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Crockford base32 in lower case: sortable, and no letters that read like digits.
const BODY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Makes a new id: the kind's prefix, 10 characters of millisecond time and 16 random ones, so ids
 * of one kind sort by creation time and list pagination can use the id as its cursor.
 */
export function newId(
  kind: IdKind,
  now: number = Date.now(),
  random: () => number = Math.random,
): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = BODY_ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }

  let suffix = '';
  for (let i = 0; i < 16; i++) {
    suffix += BODY_ALPHABET[Math.floor(random() * 32)];
  }

  return ID_PREFIXES[kind] + time + suffix;
}
