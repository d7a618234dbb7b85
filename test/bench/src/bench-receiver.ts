import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request an endpoint got, timed with `performance.now()` of this process. */
export interface Arrival {
  /** The request path without its leading slash; each endpoint of a receiver has its own. */
  endpoint: string;
  eventId: string;
  attempt: number;
  /** When the request line and headers had arrived. */
  firstByteAt: number;
  /** When the response was handed to the socket, or null while it is held. */
  answeredAt: number | null;
  status: number | null;
}

/** How an endpoint answers: a status, optionally after holding the request for `holdMs`. */
export interface EndpointReply {
  status: number;
  holdMs?: number;
}

export type ReplyPolicy = (arrival: Arrival) => EndpointReply;

const answerAtOnce: ReplyPolicy = () => ({ status: 200 });

function arrivalKey(endpoint: string, eventId: string, attempt: number): string {
  return `${endpoint}\n${eventId}\n${attempt}`;
}

/**
 * HTTP endpoints on loopback that record when each delivery attempt arrives, keyed by path,
 * X-Lasso-Event-Id and X-Lasso-Attempt. Several servers (ports) can share one receiver, so
 * endpoints spread over several origins as they would over several hosts. Bodies are read and dropped.
 */
export class BenchReceiver {
  readonly arrivals: Arrival[] = [];
  private readonly firstArrivals = new Map<string, Arrival>();
  private readonly servers: Server[] = [];
  private readonly baseUrls: string[] = [];
  private readonly held = new Map<NodeJS.Timeout, () => void>();
  private reply: ReplyPolicy;

  private constructor(reply: ReplyPolicy) {
    this.reply = reply;
  }

  /** Starts `serverCount` HTTP servers on free loopback ports that answer as `reply` decides. */
  static async start(
    options: { serverCount?: number; reply?: ReplyPolicy } = {},
  ): Promise<BenchReceiver> {
    const receiver = new BenchReceiver(options.reply ?? answerAtOnce);
    for (let index = 0; index < (options.serverCount ?? 1); index++) {
      await receiver.listen();
    }
    return receiver;
  }

  /** Returns the URL of endpoint `name`, on the server picked by `index` round robin. */
  endpointUrl(name: string, index = 0): string {
    return `${this.baseUrls[index % this.baseUrls.length]}/${name}`;
  }

  /** Changes how requests from now on are answered; held requests keep their earlier reply. */
  setReply(reply: ReplyPolicy): void {
    this.reply = reply;
  }

  /** Returns the first arrival of one attempt of an event at an endpoint, if it came. */
  firstArrival(endpoint: string, eventId: string, attempt: number): Arrival | undefined {
    return this.firstArrivals.get(arrivalKey(endpoint, eventId, attempt));
  }

  /** Answers every held request now, with the status it would have had. */
  releaseHeld(): void {
    for (const [timer, answer] of this.held) {
      clearTimeout(timer);
      answer();
    }
    this.held.clear();
  }

  async close(): Promise<void> {
    this.releaseHeld();
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const arrival: Arrival = {
        endpoint: (request.url ?? '/').slice(1),
        eventId: String(request.headers['x-lasso-event-id'] ?? ''),
        attempt: Number(request.headers['x-lasso-attempt'] ?? 0),
        firstByteAt: performance.now(),
        answeredAt: null,
        status: null,
      };
      this.record(arrival);
      request.resume();
      request.once('end', () => this.answer(arrival, response));
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    this.baseUrls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  private record(arrival: Arrival): void {
    this.arrivals.push(arrival);
    const key = arrivalKey(arrival.endpoint, arrival.eventId, arrival.attempt);
    if (!this.firstArrivals.has(key)) {
      this.firstArrivals.set(key, arrival);
    }
  }

  private answer(arrival: Arrival, response: ServerResponse): void {
    const reply = this.reply(arrival);
    const send = () => {
      if (response.destroyed) {
        return;
      }
      arrival.status = reply.status;
      arrival.answeredAt = performance.now();
      response.writeHead(reply.status, { 'Content-Type': 'text/plain' });
      response.end(reply.status < 300 ? 'ok' : 'unavailable');
    };

    if (reply.holdMs === undefined) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(timer);
      send();
    }, reply.holdMs);
    this.held.set(timer, send);
    // A sender that gives up closes the socket; nothing is left to answer then.
    response.once('close', () => {
      if (this.held.delete(timer)) {
        clearTimeout(timer);
      }
    });
  }
}
