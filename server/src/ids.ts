import { randomInt } from 'node:crypto';

import { newId, type IdKind } from '@lasso/contracts';

const cryptoRandom = () => randomInt(0, 2 ** 32) / 2 ** 32;

/** Makes a new id with random bits from the OS, so ids cannot be predicted from earlier ones. */
export function generateId(kind: IdKind): string {
  return newId(kind, Date.now(), cryptoRandom);
}
