import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it, body bytes untouched. */
export interface ReceivedRequest {
  receivedAt: number;
  /** When the receiver finished sending its answer, or null if it never answered. */
  answeredAt: number | null;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the receiver answers the request with this 0-based index. */
export type Reply =
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      /** Time to wait before responding, in ms. */
      delayMs?: number;
    }
  | { hang: true };

export interface RecordingReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Starts an HTTP endpoint on loopback that records every request and answers as `reply` says. */
export async function startRecordingReceiver(
  reply: (index: number) => Reply = () => ({ status: 200 }),
): Promise<RecordingReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const hanging: ServerResponse[] = [];
  const delayed = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const record: ReceivedRequest = {
        receivedAt: Date.now(),
        answeredAt: null,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      const answer = reply(requests.length);
      requests.push(record);
      waiters.splice(0).forEach((wake) => wake());

      if ('hang' in answer) {
        hanging.push(response);
        return;
      }
      const send = () => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body ?? '', () => {
          record.answeredAt = Date.now();
        });
      };
      if (answer.delayMs === undefined) {
        send();
        return;
      }
      const timer = setTimeout(() => {
        delayed.delete(timer);
        send();
      }, answer.delayMs);
      delayed.add(timer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,

    async waitForRequests(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new Error(
            `receiver got ${requests.length} requests, expected ${count} within ${timeoutMs} ms`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests.slice(0, count);
    },

    async close() {
      delayed.forEach((timer) => clearTimeout(timer));
      hanging.forEach((response) => response.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
