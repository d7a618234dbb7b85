/** Polls `check` until it returns a value other than undefined; throws with `what` after the timeout. */
export async function waitFor<Value>(
  what: string,
  check: () => Promise<Value | undefined> | Value | undefined,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Value> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;

  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
