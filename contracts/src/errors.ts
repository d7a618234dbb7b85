import { z } from 'zod';

/** Stable error codes of the API, each with the HTTP status it is served with. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** One problem with one field of a request. */
export const fieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
});

export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** Body of every error response of the JSON routes. */
export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  issues: z.array(fieldIssueSchema).optional(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Renders a validation issue path such as ['error', 'code'] as "error.code". */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) {
    return '(body)';
  }

  return path
    .map((segment, index) => {
      if (typeof segment === 'number') {
        return `[${segment}]`;
      }
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

/** Turns zod issues into field issues and one message that names every field. */
export function describeZodError(error: z.ZodError): { message: string; issues: FieldIssue[] } {
  const issues = error.issues.flatMap((issue): FieldIssue[] => {
    // One issue per unknown key, named by its own path, reads better than one issue on the parent.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: formatFieldPath([...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    return [{ field: formatFieldPath(issue.path), message: issue.message }];
  });
  const message = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');

  return { message, issues };
}
