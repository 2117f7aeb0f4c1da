/**
 * Control, not a leak: a cache warmed once at startup (30,000 price entries) and only read
 * afterwards, with modest per-request allocation.
 */
import { serve } from './serve.js';

const prices = new Map<string, { cents: number; currency: string }>();
for (let i = 0; i < 30_000; i++) prices.set(`sku-${i}`, { cents: 100 + (i % 977), currency: 'EUR' });

serve(({ keyId, requestNumber }) => {
  const sku = `sku-${(requestNumber * 7919) % 30_000}`;
  const price = prices.get(sku);
  return { ok: true, keyId: keyId.slice(0, 4), sku, cents: price?.cents ?? 0 };
});
