// A server leakbench did not write (issue 17): it logs every request's Authorization header into a
// module-level array and never drops it, so every bearer token it was sent stays in memory.
import { createServer } from 'node:http';

const authLog = [];

const server = createServer((req, res) => {
  const auth = req.headers.authorization;
  if (auth !== undefined) authLog.push(auth);
  res.writeHead(auth === undefined ? 401 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: auth !== undefined, seen: authLog.length }));
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
