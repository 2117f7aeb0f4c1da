// A server that is up but broken: every request gets a 500. leakbench must stop with
// E_SERVER_ERRORS instead of measuring it. Listens on 127.0.0.1:$PORT.
import http from 'node:http';

http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal"}');
    });
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
