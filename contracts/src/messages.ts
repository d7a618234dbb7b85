/**
 * Error option for a zod type check: "is required" when the field is missing, otherwise the
 * expectation given, such as "must be a string".
 */
export function expected(description: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? 'is required' : description,
  };
}
