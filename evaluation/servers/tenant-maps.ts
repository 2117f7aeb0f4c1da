/**
 * Leak (holder: nested Maps). A module Map of four tenants, each an inner Map of key id → hit
 * count; the inner Maps grow without bound (four separate accumulation points).
 */
import { serve } from './serve.js';

const byTenant = new Map<string, Map<string, number>>();
for (const tenant of ['north', 'south', 'east', 'west']) byTenant.set(tenant, new Map());
const tenants = [...byTenant.keys()];

serve(({ keyId, requestNumber }) => {
  const inner = byTenant.get(tenants[requestNumber % tenants.length]!)!;
  inner.set(keyId, (inner.get(keyId) ?? 0) + 1);
  return { ok: true };
});
