/**
 * A raw HTTP/1.1 client over a plain TCP socket, for tests that must send what well-behaved
 * clients refuse to: non-ASCII header bytes, a header sent twice, a 1 MB header, a body that is
 * not what its content-type says. One request per connection (`Connection: close`).
 */
import { connect } from 'node:net';

/** A request to send byte for byte. Header names and values are written as UTF-8. */
export interface RawRequest {
  method: string;
  path: string;
  /** In order, duplicates allowed. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
}

/** What came back: a status and body, or `reset` when the server closed without an answer. */
export type RawResponse = { status: number; body: string } | { status: 'reset'; body: '' };

/** Sends `request` to 127.0.0.1:`port` and reads the answer until the server closes. */
export function rawRequest(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  for (const [name, value] of request.headers ?? []) head += `${name}: ${value}\r\n`;
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const bytes = Buffer.concat([Buffer.from(head, 'utf8'), body]);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from 127.0.0.1:${port} to ${request.method} ${request.path} in ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', finish);
    // A server that rejects a huge header closes while we are still writing: EPIPE/ECONNRESET.
    // Whatever arrived before that is the answer.
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.end(bytes);
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return { status: 'reset', body: '' };
  const head = raw.subarray(0, split).toString('latin1');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (!match) return { status: 'reset', body: '' };
  let payload = raw.subarray(split + 4);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) payload = dechunk(payload);
  return { status: Number(match[1]), body: payload.toString('utf8') };
}

/** Decodes a chunked body (RFC 9112 §7.1), ignoring chunk extensions and trailers. */
function dechunk(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = payload.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(payload.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(payload.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
