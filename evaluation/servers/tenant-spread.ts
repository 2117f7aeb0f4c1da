/**
 * Leak spread over many containers. 2,000 tenants, each with its own usage array under one Map
 * (created at startup); every request appends a small usage record to its tenant's array. No
 * single array grows much; together they grow by ~75 bytes per request.
 */
import { serve } from './serve.js';

const TENANTS = 2_000;
const usageByTenant = new Map<string, Array<{ atMs: number; units: number }>>();
for (let t = 0; t < TENANTS; t++) usageByTenant.set(`tenant-${t}`, []);

serve(({ requestNumber }) => {
  usageByTenant.get(`tenant-${requestNumber % TENANTS}`)!.push({ atMs: Date.now(), units: requestNumber & 7 });
  return { ok: true };
});
