import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DELIVERY_HEADERS } from '@lasso/contracts';

import { verifySignature } from '../signature.js';

/** Result of checking a request's `X-Lasso-Signature` header. */
export type SignatureCheck = 'valid' | 'invalid' | 'missing' | 'not_checked';

/** One request as the receiver read it, passed to `onRequest` before the reply is sent. */
export interface ReceivedRequest {
  /** Position since the receiver started, counting from 1. */
  number: number;
  receivedAt: Date;
  method: string;
  /** Request target: the path and query string. */
  path: string;
  /** Header names and values in the order and spelling the sender used. */
  headers: Array<[name: string, value: string]>;
  /** Body bytes as received, cut at `MAX_RECEIVER_BODY_BYTES`. */
  body: Buffer;
  /** True when the body exceeded `MAX_RECEIVER_BODY_BYTES`, so the reply is 413. */
  bodyTooLarge: boolean;
  signature: SignatureCheck;
  /** Status of the reply, or null when the receiver hangs and never replies. */
  replyStatus: number | null;
  /** True when the reply is a 500 because of `failFirst`. */
  failedOnPurpose: boolean;
}

/** Options of `startReceiver`, all optional. */
export interface ReceiverOptions {
  /** TCP port, where 0 picks a free one (default 4000). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Endpoint secret. When set, each request's signature is checked against it. */
  secret?: string;
  /** Status sent in reply to every request (default 200). */
  status?: number;
  /** Never reply, so the connection stays open until the sender gives up. */
  hang?: boolean;
  /** Number of first requests that get a 500 before `status` is used (default 0). */
  failFirst?: number;
  /** Called with each request once its body is read, before the reply. */
  onRequest?: (request: ReceivedRequest) => void;
  /** Called with errors the receiver recovers from: a sender that aborts, a throwing `onRequest`. */
  onError?: (error: Error) => void;
}

/** A listening receiver. */
export interface RunningReceiver {
  /** Base URL, such as `http://127.0.0.1:4000`. */
  url: string;
  /** Stops listening and closes every open connection, including hanging ones. */
  close(): Promise<void>;
}

export const DEFAULT_RECEIVER_PORT = 4000;
export const DEFAULT_RECEIVER_HOST = '127.0.0.1';
export const DEFAULT_RECEIVER_STATUS = 200;

// Bodies past this size are dropped and get a 413 reply, so a stray upload cannot exhaust memory.
export const MAX_RECEIVER_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Starts an HTTP server that records every request and replies as configured. Rejects with a
 * RangeError for a status outside 100 to 599 or a negative `failFirst`, and with the listen error
 * (such as EADDRINUSE) when the port cannot be bound.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<RunningReceiver> {
  if (options.status !== undefined && !isIntegerIn(options.status, 100, 599)) {
    throw new RangeError(
      `status must be a whole number from 100 to 599, received ${options.status}`,
    );
  }
  if (
    options.failFirst !== undefined &&
    !isIntegerIn(options.failFirst, 0, Number.MAX_SAFE_INTEGER)
  ) {
    throw new RangeError(
      `failFirst must be a whole number of 0 or more, received ${options.failFirst}`,
    );
  }

  const reportError = options.onError ?? (() => {});
  const replySettings = {
    status: options.status ?? DEFAULT_RECEIVER_STATUS,
    failFirst: options.failFirst ?? 0,
    hang: options.hang === true,
  };
  let requestCount = 0;

  const server = createServer((request, response) => {
    requestCount += 1;
    const number = requestCount;
    const receivedAt = new Date();

    readBody(request)
      .then(({ body, tooLarge }) => {
        const reply = chooseReply(number, tooLarge, replySettings);
        const received: ReceivedRequest = {
          number,
          receivedAt,
          method: request.method ?? '',
          path: request.url ?? '',
          headers: pairRawHeaders(request.rawHeaders),
          body,
          bodyTooLarge: tooLarge,
          // A cut body cannot match its signature, so checking it would only mislead.
          signature: tooLarge ? 'not_checked' : checkSignature(request, body, options.secret),
          replyStatus: reply.status,
          failedOnPurpose: reply.failedOnPurpose,
        };

        notify(options.onRequest, received, reportError);

        if (reply.status !== null) {
          sendReply(response, reply.status, reply.note);
        }
      })
      .catch((error: unknown) => {
        const cause = error instanceof Error ? error.message : String(error);
        const target = `${request.method} ${request.url}`;
        reportError(
          new Error(`request ${number} ${target} failed while reading its body: ${cause}`, {
            cause: error,
          }),
        );
        response.destroy();
      });
  });

  const port = options.port ?? DEFAULT_RECEIVER_PORT;
  const host = options.host ?? DEFAULT_RECEIVER_HOST;
  await listen(server, port, host);

  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostInUrl}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Hanging requests would keep close() waiting forever.
      server.closeAllConnections();
    });
    return closing;
  };

  return { url, close };
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function listen(
  server: ReturnType<typeof createServer>,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function readBody(request: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;

  // Past the limit the rest is still read and dropped, so the 413 reaches a sender that is
  // still writing instead of a reset connection.
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_RECEIVER_BODY_BYTES) {
      tooLarge = true;
      continue;
    }
    chunks.push(bytes);
  }

  return { body: Buffer.concat(chunks), tooLarge };
}

function pairRawHeaders(rawHeaders: readonly string[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    headers.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  }

  return headers;
}

interface Reply {
  status: number | null;
  failedOnPurpose: boolean;
  note: string | undefined;
}

function chooseReply(
  number: number,
  tooLarge: boolean,
  settings: { status: number; failFirst: number; hang: boolean },
): Reply {
  if (tooLarge) {
    const note = `body exceeds the receiver's limit of ${MAX_RECEIVER_BODY_BYTES} bytes`;
    return { status: 413, failedOnPurpose: false, note };
  }
  if (settings.hang) {
    return { status: null, failedOnPurpose: false, note: undefined };
  }
  if (number <= settings.failFirst) {
    const note = `failing on purpose: request ${number} of the first ${settings.failFirst} set to fail`;
    return { status: 500, failedOnPurpose: true, note };
  }

  return { status: settings.status, failedOnPurpose: false, note: undefined };
}

function checkSignature(
  request: IncomingMessage,
  body: Buffer,
  secret: string | undefined,
): SignatureCheck {
  if (secret === undefined) {
    return 'not_checked';
  }

  // Node joins repeated headers of unknown names with ", ", which then fails the check.
  const header = request.headers[DELIVERY_HEADERS.signature.toLowerCase()];
  if (header === undefined) {
    return 'missing';
  }

  const value = Array.isArray(header) ? header.join(', ') : header;
  return verifySignature(body, value, secret) ? 'valid' : 'invalid';
}

function notify(
  onRequest: ((request: ReceivedRequest) => void) | undefined,
  received: ReceivedRequest,
  reportError: (error: Error) => void,
): void {
  if (onRequest === undefined) {
    return;
  }

  try {
    onRequest(received);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    reportError(
      new Error(`onRequest failed for request ${received.number}: ${cause}`, { cause: error }),
    );
  }
}

function sendReply(response: ServerResponse, status: number, note: string | undefined): void {
  // RFC 9110 forbids a body in 1xx, 204 and 304 responses.
  const bodyAllowed = status >= 200 && status !== 204 && status !== 304;
  if (!bodyAllowed) {
    response.writeHead(status);
    response.end();
    return;
  }

  const body = JSON.stringify(note === undefined ? { received: true } : { received: true, note });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
