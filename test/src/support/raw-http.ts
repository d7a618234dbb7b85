import { connect } from 'node:net';

/** A response read off the socket: status, headers in lower case, and the body as text. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one HTTP/1.1 request with exactly the given bytes for the request line, headers and body,
 * so a test can send what fetch and node:http reject (raw bytes in the path, broken encodings).
 * Content-Length is added from the body unless `headers` sets it.
 */
export async function sendRawRequest(
  baseUrl: string,
  options: {
    method: string;
    target: string | Buffer;
    headers?: Record<string, string>;
    body?: Buffer | string;
  },
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
  const headers: Record<string, string> = {
    Host: `${hostname}:${port}`,
    Connection: 'close',
    ...options.headers,
  };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['Content-Length'] = String(body.length);
  }
  const head = Buffer.concat([
    Buffer.from(`${options.method} `),
    Buffer.from(options.target),
    Buffer.from(' HTTP/1.1\r\n'),
    Buffer.from(
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join(''),
    ),
    Buffer.from('\r\n'),
  ]);

  const raw = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    // The server may respond and close before reading the whole body; what it sent still counts.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      chunks.length > 0 && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
        ? resolve(Buffer.concat(chunks))
        : reject(error),
    );
    // No half-close after the body: Node's server aborts a request whose client ended its side.
    // `Connection: close` makes the server close the socket once it has responded.
    socket.write(Buffer.concat([head, body]));
  });
  return parseRawResponse(raw);
}

function parseRawResponse(raw: Buffer): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) {
    throw new Error(
      `not an HTTP response: ${JSON.stringify(raw.subarray(0, 200).toString('utf8'))}`,
    );
  }
  const [statusLine = '', ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    body = decodeChunked(body);
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

function decodeChunked(encoded: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', offset);
    const size = parseInt(encoded.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) {
      return Buffer.concat(parts);
    }
    parts.push(encoded.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
