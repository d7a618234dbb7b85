import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** An HTTP endpoint on one chosen loopback address that counts connections as well as requests. */
export interface AddressReceiver {
  host: string;
  port: number;
  /** The base URL, with an IPv6 host in brackets. */
  url: string;
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  /** Paths of the requests received, in order. */
  paths: string[];
  close(): Promise<void>;
}

/**
 * Starts an endpoint on `host` (a loopback address such as 127.0.0.2 or ::1) and `port` (0 picks a
 * free one), responding 200, or as `respond` writes. Counting connections shows whether a client reached
 * this address at all.
 */
export async function startAddressReceiver(
  host: string,
  port = 0,
  respond: (response: ServerResponse) => void = (response) => response.end('ok'),
): Promise<AddressReceiver> {
  const sockets = new Set<Socket>();
  const receiver = { host, port, url: '', connections: 0, paths: [] as string[] };

  const server = createServer((request, response) => {
    receiver.paths.push(request.url ?? '');
    request.resume();
    request.on('end', () => respond(response));
  });
  server.on('connection', (socket: Socket) => {
    receiver.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://${host.includes(':') ? `[${host}]` : host}:${receiver.port}`;

  return Object.assign(receiver, {
    async close() {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
