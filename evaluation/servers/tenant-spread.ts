/**
 * Leak spread over many containers. 2,000 tenants, each with its own usage array under one Map
 * (created at startup); every request appends a small usage record to its tenant's array. No
 * single array grows much; together they grow by ~75 bytes per request.
 */
import { serve } from './serve.js';

const TENANTS = 2_000;
const usageByTenant = new Map<string, Array<{ atMs: number; units: number; tag: string }>>();
for (let t = 0; t < TENANTS; t++) usageByTenant.set(`tenant-${t}`, []);

serve(({ requestNumber }) => {
  // A record (~40 B), its slot in the array store (~8 B) and a short tag string (~24 B): ~75 B.
  usageByTenant.get(`tenant-${requestNumber % TENANTS}`)!.push({ atMs: Date.now(), units: requestNumber & 7, tag: `r${requestNumber}` });
  return { ok: true };
});
