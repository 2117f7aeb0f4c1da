// A small Fastify API (fastify comes with leakbench): every route needs `Authorization: Bearer
// $API_TOKEN`. POST /orders keeps every order in a module-level Map that nothing ever deletes from
// (the leak, per request); GET /orders/:id reads it; GET /products/:id serves a fixed catalogue.
import Fastify from 'fastify';

const token = process.env.API_TOKEN;
if (!token) throw new Error('API_TOKEN is not set');
const orderHistory = new Map();
const products = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `product ${i + 1}`, priceCents: 100 + i }));

const app = Fastify();
app.addHook('onRequest', async (req, reply) => {
  if (req.headers.authorization !== `Bearer ${token}`) return reply.code(401).send({ error: 'unauthorized' });
});
app.post('/orders', async (req, reply) => {
  const order = { ...req.body, createdAt: new Date().toISOString() };
  orderHistory.set(order.id, order);
  return reply.code(201).send({ id: order.id });
});
app.get('/orders/:id', async (req, reply) => orderHistory.get(req.params.id) ?? reply.code(404).send({ error: 'no such order' }));
app.get('/products/:id', async (req, reply) => products[Number(req.params.id) - 1] ?? reply.code(404).send({ error: 'no such product' }));
await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
