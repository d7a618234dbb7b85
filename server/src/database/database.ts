/** Anything that runs SQL with `$1`-style parameters: the database itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;

  /** Runs a script of several statements without parameters, such as a migration. */
  execute(sql: string): Promise<void>;
}

/** A PostgreSQL database, embedded (PGlite) or a server (node-postgres), behind one interface. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<Result>(work: (tx: Queryable) => Promise<Result>): Promise<Result>;

  close(): Promise<void>;
}

/** Raised when the database cannot be reached or refuses work; the API serves it as a 503. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}
