import type { SecretBox } from './secret-box.js';

/**
 * Returns a copy of `input` with each named field that contains a string sealed for storage; null and
 * missing fields stay as they are, so an update can still clear a secret. Without a box the copy
 * is unchanged.
 */
export function sealSecretFields<Input extends object>(
  box: SecretBox | undefined,
  input: Input,
  fields: ReadonlyArray<keyof Input>,
): Input {
  const sealed = { ...input };
  if (box === undefined) {
    return sealed;
  }
  for (const field of fields) {
    const value = input[field];
    if (typeof value === 'string') {
      (sealed as Record<keyof Input, unknown>)[field] = box.seal(value);
    }
  }
  return sealed;
}
