/**
 * Leak driven by time, not requests: an interval appends a ~600-byte health record 40 times a
 * second (~25 KB/s) to a module-level array that nothing trims, whatever the traffic. Requests
 * only read the latest record. Right answer: `leak`, reported as growing per second.
 */
import { serve } from '../servers/serve.js';

const healthLog: Array<{ at: number; rss: number; note: string }> = [];

setInterval(() => {
  healthLog.push({ at: Date.now(), rss: process.memoryUsage.rss(), note: 'ok '.repeat(190) + String(healthLog.length) });
}, 25);

serve(() => ({ ok: true, checks: healthLog.length }));
