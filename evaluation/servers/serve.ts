/**
 * Shared shell of the evaluation servers: a node:http server on 127.0.0.1 at `PORT` that checks
 * the `X-API-Key` header with the project's key scheme and hands each valid request to the
 * server's own handler. `GET /healthz` answers 200 for readiness checks. Servers differ only in
 * their handler, so the analysis sees the same framework noise in leaks and in controls.
 */
import http from 'node:http';
import { keySecret, verifyKey } from '../../scenarios/kit/api-key.js';

/** What a handler receives for each valid request. */
export interface RequestContext {
  /** The key id (the random part of `lk_<id>_<checksum>`). */
  keyId: string;
  /** The full key. */
  key: string;
  /** Request path. */
  path: string;
  /** User-Agent header ('' when absent). */
  userAgent: string;
  /** 1-based count of valid requests served so far. */
  requestNumber: number;
}

/** Starts the server; `handle` returns the JSON body of the 200 answer. */
export function serve(handle: (ctx: RequestContext) => unknown): http.Server {
  const secret = keySecret();
  let requestNumber = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const raw = req.headers['x-api-key'];
    const check = verifyKey(typeof raw === 'string' ? raw : undefined, secret);
    if (!check.ok) {
      res.writeHead(check.status, { 'content-type': 'application/json' }).end(`{"error":"${check.reason}"}`);
      return;
    }
    requestNumber++;
    const body = handle({
      keyId: check.id,
      key: raw as string,
      path: req.url ?? '/',
      userAgent: req.headers['user-agent'] ?? '',
      requestNumber,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const port = Number(process.env['PORT'] ?? '0');
  server.listen(port, '127.0.0.1');
  return server;
}
