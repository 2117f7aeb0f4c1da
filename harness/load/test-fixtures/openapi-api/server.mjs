// A small node:http API of 11 operations behind an API key (`X-API-Key: $SERVICE_KEY`; /status is
// public). One handler leaks: PUT /users/{userId}/preferences appends every update to a module-level
// array that nothing ever trims. The rest keep nothing per request (orders: the newest 50 only).
import http from 'node:http';

const key = process.env.SERVICE_KEY;
if (!key) throw new Error('SERVICE_KEY is not set');
const preferenceHistory = [];
const recentOrders = new Map();
const products = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `product ${i + 1}` }));
const users = Array.from({ length: 20 }, (_, i) => ({ id: `u${i + 1}`, name: `user ${i + 1}` }));

function send(res, status, body) {
  if (status === 204) return res.writeHead(204).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const routes = [
  ['GET', /^\/api\/status$/, (_m, _b, res) => send(res, 200, { ok: true }), true],
  ['GET', /^\/api\/users$/, (_m, _b, res) => send(res, 200, users.slice(0, 5))],
  ['POST', /^\/api\/users$/, (_m, b, res) => send(res, 201, { id: `u${Date.now()}`, name: b.name })],
  ['GET', /^\/api\/users\/([^/]+)$/, (m, _b, res) => send(res, 200, { id: m[1], name: 'someone' })],
  ['DELETE', /^\/api\/users\/([^/]+)$/, (_m, _b, res) => send(res, 204, {})],
  ['PUT', /^\/api\/users\/([^/]+)\/preferences$/, (m, b, res) => {
    preferenceHistory.push({ userId: m[1], ...b, at: Date.now() });
    send(res, 200, { userId: m[1], ...b });
  }],
  ['GET', /^\/api\/orders$/, (_m, _b, res, url) => send(res, 200, { status: url.searchParams.get('status'), orders: [...recentOrders.values()].slice(0, 5) })],
  ['POST', /^\/api\/orders$/, (_m, b, res) => {
    const id = `o${Math.random().toString(36).slice(2)}`;
    recentOrders.set(id, { id, ...b });
    if (recentOrders.size > 50) recentOrders.delete(recentOrders.keys().next().value);
    send(res, 201, { id });
  }],
  ['GET', /^\/api\/orders\/([^/]+)$/, (m, _b, res) => send(res, 200, recentOrders.get(m[1]) ?? { id: m[1] })],
  ['GET', /^\/api\/products$/, (_m, _b, res) => send(res, 200, products)],
  ['GET', /^\/api\/products\/(\d+)$/, (m, _b, res) => send(res, 200, products[Number(m[1]) % products.length])],
];

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const route = routes.find(([method, re]) => method === req.method && re.test(url.pathname));
  if (!route) return send(res, 404, { error: 'not found' });
  if (!route[3] && req.headers['x-api-key'] !== key) return send(res, 401, { error: 'bad key' });
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    let body = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { error: 'bad json' });
    }
    route[2](route[1].exec(url.pathname), body, res, url);
  });
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
