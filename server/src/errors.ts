import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

import {
  describeZodError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type FieldIssue,
} from '@lasso/contracts';

import { DatabaseUnavailableError } from './database/database.js';

type TrpcCode = TRPCError['code'];

const TRPC_CODE_OF: Record<ErrorCode, TrpcCode> = {
  invalid_request: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payload_too_large: 'PAYLOAD_TOO_LARGE',
  rate_limited: 'TOO_MANY_REQUESTS',
  internal_error: 'INTERNAL_SERVER_ERROR',
  unavailable: 'SERVICE_UNAVAILABLE',
};

const CODE_OF_TRPC: Partial<Record<TrpcCode, ErrorCode>> = {
  PARSE_ERROR: 'invalid_request',
  BAD_REQUEST: 'invalid_request',
  UNPROCESSABLE_CONTENT: 'invalid_request',
  UNAUTHORIZED: 'unauthorized',
  NOT_FOUND: 'not_found',
  METHOD_NOT_SUPPORTED: 'not_found',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  TOO_MANY_REQUESTS: 'rate_limited',
  SERVICE_UNAVAILABLE: 'unavailable',
};

/** An error the API reports to its caller, with a stable code from the contracts. */
export class ApiError extends TRPCError {
  readonly apiCode: ErrorCode;
  readonly issues: FieldIssue[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: FieldIssue[]; cause?: unknown } = {},
  ) {
    super({ code: TRPC_CODE_OF[code], message, cause: options.cause });
    this.apiCode = code;
    this.issues = options.issues;
  }

  get httpStatus(): number {
    return ERROR_STATUS[this.apiCode];
  }
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('not_found', `${what} ${id} not found`);
}

/** Whether an error means a dependency (database or Temporal) cannot be reached. */
export function isUnavailableError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof DatabaseUnavailableError) {
      return true;
    }
    // @temporalio/client raises ServiceError for gRPC failures; code 14 is gRPC UNAVAILABLE.
    const grpcCode = (current as { code?: unknown }).code;
    if (current.name === 'ServiceError' || grpcCode === 14) {
      return true;
    }
  }
  return false;
}

/**
 * Turns anything a procedure threw into the API's error body; unknown errors become a generic
 * internal error so their details stay in the server log.
 */
export function toErrorBody(error: unknown): ErrorBody {
  const cause =
    error instanceof TRPCError && !(error instanceof ApiError) ? (error.cause ?? error) : error;

  if (error instanceof ApiError) {
    return {
      code: error.apiCode,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    };
  }
  if (cause instanceof ApiError) {
    return toErrorBody(cause);
  }
  if (cause instanceof ZodError) {
    const { message, issues } = describeZodError(cause);
    return { code: 'invalid_request', message, issues };
  }
  if (isUnavailableError(error)) {
    return { code: 'unavailable', message: unavailableMessage(error) };
  }
  if (error instanceof TRPCError) {
    const code = CODE_OF_TRPC[error.code];
    if (code !== undefined) {
      return { code, message: error.message };
    }
  }
  return { code: 'internal_error', message: 'Internal error; the server log has the details' };
}

function unavailableMessage(error: unknown): string {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof DatabaseUnavailableError) {
      return 'The database is unavailable; try again shortly';
    }
  }
  return 'Temporal is unavailable; try again shortly';
}
