/**
 * A server the load never reaches: every route but `/healthz` answers 404 (a wrong `--path`, or a
 * proxy in front). Right answer for `--self-check`: the planted leak is not found, and the run
 * says the traffic is not reaching the code, instead of a verdict.
 */
import http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
});
server.listen(Number(process.env['PORT'] ?? '0'), '127.0.0.1');
