/**
 * Control, not a leak: lazy initialisation spread over time. Thirty region tables are each built
 * on the first request routed to that region; regions are reached in turn (500 requests each), so
 * the tables appear over the first ~15,000 requests and never after.
 */
import { serve } from './serve.js';

const REGIONS = 30;
const tables = new Map<number, Map<string, { code: number; label: string }>>();

function table(region: number): Map<string, { code: number; label: string }> {
  let t = tables.get(region);
  if (t === undefined) {
    t = new Map();
    for (let i = 0; i < 1_500; i++) t.set(`r${region}-${i}`, { code: i, label: `Region ${region} item ${i}` });
    tables.set(region, t);
  }
  return t;
}

serve(({ requestNumber }) => {
  const region = Math.min(REGIONS - 1, Math.floor(requestNumber / 500));
  const hit = table(region).get(`r${region}-${requestNumber % 1_500}`);
  return { ok: true, code: hit?.code ?? -1 };
});
