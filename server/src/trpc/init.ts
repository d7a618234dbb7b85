import { initTRPC } from '@trpc/server';

import { ApiError, isUnavailableError, toErrorBody } from '../errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { findUnsafeInput } from './find-unsafe-input.js';

/** Per-request context: the service's dependencies and the caller's workspace, when authenticated. */
export interface RequestContext {
  deps: ServiceDeps;
  workspace: string | null;
}

const t = initTRPC.context<RequestContext>().create({
  errorFormatter({ shape, error }) {
    const body = toErrorBody(error);
    // The stack and the raw cause stay in the server log; callers get the code and message only.
    return {
      code: shape.code,
      message: body.message,
      data: {
        code: body.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        issues: body.issues ?? null,
      },
    };
  },
});

// A dependency that is down answers 503 with a message that says which, instead of a bare 500.
const reportUnavailableDependencies = t.middleware(async ({ next }) => {
  const result = await next();
  if (
    !result.ok &&
    !(result.error instanceof ApiError) &&
    isUnavailableError(result.error.cause ?? result.error)
  ) {
    const body = toErrorBody(result.error.cause ?? result.error);
    throw new ApiError('unavailable', body.message, { cause: result.error });
  }
  return result;
});

// Runs after authentication and before the input schemas, on the raw input of both the tRPC and the JSON routes.
const rejectUnsafeInput = t.middleware(async ({ getRawInput, next }) => {
  const unsafe = findUnsafeInput(await getRawInput());
  if (unsafe !== null) {
    throw new ApiError('invalid_request', `${unsafe.field}: ${unsafe.message}`, {
      issues: [unsafe],
    });
  }
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(reportUnavailableDependencies);

/** A procedure that needs a valid API key; its context has the caller's workspace. */
export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (ctx.workspace === null) {
      throw new ApiError(
        'unauthorized',
        'Missing or invalid API key; send Authorization: Bearer <key>',
      );
    }
    return next({ ctx: { ...ctx, workspace: ctx.workspace } });
  })
  .use(rejectUnsafeInput);
