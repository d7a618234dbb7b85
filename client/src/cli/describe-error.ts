import { errorCodeOf, isLassoClientError } from '../create-client.js';
import { REQUEST_TIMEOUT_MS } from './fetch-with-timeout.js';

// Node's error codes for a connection that failed, in words.
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/**
 * Describes a failed command in one message: the API's error code and message, or why the API at
 * `baseUrl` could not be reached or did not respond as the Lasso API.
 */
export function describeCliError(error: unknown, baseUrl: string): string {
  const code = errorCodeOf(error);
  if (code !== undefined) {
    const hint = code === 'unauthorized' ? ' Check --api-key or LASSO_API_KEY.' : '';
    return `${(error as Error).message} (API error ${code})${hint}`;
  }
  if (!isLassoClientError(error)) {
    return error instanceof Error ? error.message : String(error);
  }

  const causes = causeChain(error);
  const checkUrl = 'Check --url or LASSO_URL, and that the Lasso API is running there.';

  if (causes.some((cause) => cause.name === 'TimeoutError')) {
    return `no answer from the Lasso API at ${baseUrl} within ${REQUEST_TIMEOUT_MS / 1000} s. ${checkUrl}`;
  }
  if (causes.some((cause) => cause instanceof SyntaxError)) {
    return `the server at ${baseUrl} did not respond as the Lasso API: ${error.message}. ${checkUrl}`;
  }

  const networkCode = causes
    .map((cause) => (cause as NodeJS.ErrnoException).code)
    .find((value) => typeof value === 'string');
  const deepest = causes.at(-1) ?? error;
  const reason =
    (networkCode !== undefined ? NETWORK_ERRORS[networkCode] : undefined) ?? deepest.message;
  return `could not reach the Lasso API at ${baseUrl}: ${reason}. ${checkUrl}`;
}

function causeChain(error: Error): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error.cause; current instanceof Error; current = current.cause) {
    chain.push(current);
  }
  return chain;
}
