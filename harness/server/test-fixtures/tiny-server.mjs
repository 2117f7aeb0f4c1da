// A minimal HTTP server for the harness's own integration tests (not a scenario): plain node:http,
// no build step. Behaviour comes from the environment so one file covers the cases the tests need:
//   PORT             port to listen on (127.0.0.1 only)
//   LEAK_BYTES       when > 0, every /v1/data request retains an object holding that many bytes
//   FAIL_MODE        'exit-at-once' exits with code 3 before listening; 'never-ready' answers
//                    /healthz with 503 forever; 'port-taken' finds PORT already bound (the first
//                    FAIL_COUNT starts, default all: a file FAIL_COUNTER counts the starts)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const port = Number(process.env.PORT);
const leakBytes = Number(process.env.LEAK_BYTES ?? 0);
const failMode = process.env.FAIL_MODE ?? '';

if (failMode === 'exit-at-once') {
  process.stderr.write('tiny-server: refusing to start (FAIL_MODE=exit-at-once)\n');
  process.exit(3);
}

/** One leaked record; a class so heap snapshots name it (`Retained`). */
class Retained {
  constructor(key, pad) {
    this.key = key;
    this.pad = pad;
  }
}

/** What the leak retains: grows by one entry per request when LEAK_BYTES > 0. */
const retained = [];

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(failMode === 'never-ready' ? 503 : 200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"missing key"}');
      return;
    }
    // A flat string of exactly leakBytes characters ('x'.repeat builds a small rope of shared
    // halves in V8, which would retain far less than leakBytes).
    if (leakBytes > 0) retained.push(new Retained(key, Buffer.alloc(leakBytes, 0x78).toString('latin1')));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, method: req.method }));
  });
});

if (failMode === 'port-taken') {
  const counter = process.env.FAIL_COUNTER;
  const starts = counter !== undefined && existsSync(counter) ? Number(readFileSync(counter, 'utf8')) + 1 : 1;
  if (counter !== undefined) writeFileSync(counter, String(starts));
  // Someone else took the port between the harness choosing it and this bind: a real EADDRINUSE.
  if (starts <= Number(process.env.FAIL_COUNT ?? Infinity)) http.createServer().listen(port, '127.0.0.1');
}

server.listen(port, '127.0.0.1');
