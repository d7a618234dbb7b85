/** Environment variables as `process.env` exposes them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Returns the variable's value, or undefined when it is unset or empty. */
export function readVariable(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}
