import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { ErrorBody } from '@lasso/contracts';

/**
 * Responds to a request that Node's HTTP parser rejected (malformed, or a request line and headers
 * over Node's 16 KiB limit) with the API's JSON error body, where Node would send a bare status line.
 */
export function respondToClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection, or one that already started a response, has no room for another.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }

  const { status, body } = describeClientError(error.code);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Connection: close\r\n\r\n' +
      text,
  );
}

function describeClientError(code: string | undefined): { status: number; body: ErrorBody } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      body: {
        code: 'payload_too_large',
        message: 'The request line and headers are larger than 16 KiB',
      },
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      body: { code: 'invalid_request', message: 'The request did not arrive in time' },
    };
  }
  return {
    status: 400,
    body: { code: 'invalid_request', message: 'The request is not valid HTTP/1.1' },
  };
}
