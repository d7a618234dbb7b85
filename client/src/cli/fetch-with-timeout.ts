/** Time one API call may take before the CLI gives up; long enough for a recover call of 500 replays. */
export const REQUEST_TIMEOUT_MS = 120_000;

/** The global fetch, aborted with a TimeoutError when the response takes longer than {@link REQUEST_TIMEOUT_MS}. */
export function fetchWithTimeout(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  return fetch(input, { ...init, signal });
}
