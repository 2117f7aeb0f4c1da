/**
 * Benchmark fixture: a small node:http API server on 127.0.0.1 whose heap fills up the way a
 * leaking API-key service's does — a Map of API-key strings to small session objects, an array
 * of request records, closures holding Buffers — driven by real HTTP requests from the parent.
 * On an IPC `{ type: 'snapshot', file }` message it writes a V8 heap snapshot of itself.
 *
 * Protocol (IPC): child → `{ type: 'ready', port }`; parent → `{ type: 'snapshot', file }`;
 * child → `{ type: 'snapshot-done', file }`. HTTP: `GET /v1/keys/fill?count=N` adds N entries
 * and answers `{ heapUsedBytes }`.
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { writeHeapSnapshot } from 'node:v8';

interface Session {
  tenant: string;
  plan: 'free' | 'pro' | 'enterprise';
  hits: number;
  createdAt: number;
  scopes: string[];
  lastPath: string;
}

interface RequestRecord {
  id: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  remote: string;
}

const sessions = new Map<string, Session>();
const records: RequestRecord[] = [];
const handlers: Array<() => number> = [];
const plans = ['free', 'pro', 'enterprise'] as const;
let counter = 0;

function fill(count: number, path: string): void {
  for (let i = 0; i < count; i++) {
    const n = counter++;
    const key = `lbk_${randomBytes(12).toString('hex')}`;
    sessions.set(key, {
      tenant: `tenant-${n % 97}`,
      plan: plans[n % 3]!,
      hits: n,
      createdAt: Date.now(),
      scopes: n % 2 === 0 ? ['keys:read', 'keys:write'] : ['keys:read'],
      lastPath: `${path}#${n}`,
    });
    records.push({ id: n, method: 'GET', path: `/v1/items/${n}`, status: 200, durationMs: n % 13, remote: '127.0.0.1' });
    if (n % 8 === 0) {
      const buf = Buffer.alloc(96 + (n % 64));
      handlers.push(() => buf.length + n);
    }
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/v1/keys/fill') {
    const count = Math.min(100_000, Math.max(1, Number(url.searchParams.get('count') ?? '100')));
    fill(count, url.pathname);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ heapUsedBytes: process.memoryUsage().heapUsed, entries: sessions.size }));
    return;
  }
  res.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ type: 'ready', port });
});

process.on('message', (msg: { type?: string; file?: string }) => {
  if (msg.type === 'snapshot' && typeof msg.file === 'string') {
    const file = writeHeapSnapshot(msg.file);
    process.send?.({ type: 'snapshot-done', file });
  }
});
// The parent owns our lifetime: exit when it goes away.
process.on('disconnect', () => process.exit(0));
