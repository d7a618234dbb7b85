import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';

import type { ErrorCode, FieldIssue } from '@lasso/contracts';
import type { AppRouter } from '@lasso/server';

import { MUTATION_PATHS } from './procedure-kinds.js';

export interface LassoClientOptions {
  /** Base URL of the Lasso API, such as http://127.0.0.1:3000. */
  baseUrl: string;
  /** API key of the workspace to act in (`lasso_...`). */
  apiKey: string;
  /** Fetch implementation; the global fetch by default. */
  fetch?: typeof fetch;
}

/** Every procedure of a tRPC client as a plain async function of its input. */
export type CallableProcedures<Node> = {
  [Key in keyof Node]: Node[Key] extends { query: (input: infer Input) => Promise<infer Output> }
    ? (input: Input) => Promise<Output>
    : Node[Key] extends { mutate: (input: infer Input) => Promise<infer Output> }
      ? (input: Input) => Promise<Output>
      : CallableProcedures<Node[Key]>;
};

/** Typed client of the Lasso API, such as `client.tables.create({ ... })`. */
export type LassoClient = CallableProcedures<TRPCClient<AppRouter>>;

/**
 * Makes a typed client of the Lasso API: `await client.tables.create({ schema_id, name, file_ids })`
 * returns the table. Failed calls throw a {@link LassoClientError} whose `data.code` is the API's code.
 */
export function createLassoClient(options: LassoClientOptions): LassoClient {
  const trpc = createTrpcClient(options);
  return callableProxy(trpc, []) as LassoClient;
}

function callableProxy(trpc: TRPCClient<AppRouter>, path: string[]): unknown {
  const call = (input: unknown) => {
    const procedure = path.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      trpc as unknown as Record<string, unknown>,
    ) as unknown as {
      query(input: unknown): Promise<unknown>;
      mutate(input: unknown): Promise<unknown>;
    };
    return MUTATION_PATHS.has(path.join('.')) ? procedure.mutate(input) : procedure.query(input);
  };

  return new Proxy(call, {
    get: (_target, key) => {
      // Without this, awaiting the client would take it for a promise and call a `then` procedure.
      if (typeof key !== 'string' || key === 'then') {
        return undefined;
      }
      return callableProxy(trpc, [...path, key]);
    },
  });
}

function createTrpcClient(options: LassoClientOptions): TRPCClient<AppRouter> {
  const url = new URL(
    'trpc',
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  );

  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: url.toString(),
        headers: () => ({ Authorization: `Bearer ${options.apiKey}` }),
        ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

/** Error thrown by client calls; `data.code` is the API's stable error code. */
export type LassoClientError = TRPCClientError<AppRouter>;

/** Tells whether a thrown value is an error from the Lasso API. */
export function isLassoClientError(error: unknown): error is LassoClientError {
  return error instanceof TRPCClientError;
}

/** Stable error code of a failed call, or undefined when the call never reached the API. */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  return isLassoClientError(error) ? error.data?.code : undefined;
}

/** Field problems of a rejected call, each naming its field. */
export function fieldIssuesOf(error: unknown): FieldIssue[] {
  return isLassoClientError(error) ? (error.data?.issues ?? []) : [];
}
