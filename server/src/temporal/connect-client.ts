import { Client, Connection } from '@temporalio/client';

import type { TemporalConnectionOptions } from './connection-options.js';

/** Connects a Temporal client; the connection fails fast when the server is unreachable. */
export async function connectTemporalClient(
  options: TemporalConnectionOptions,
  namespace: string,
): Promise<Client> {
  const connection = await Connection.connect({
    address: options.address,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  });
  return new Client({ connection, namespace });
}
