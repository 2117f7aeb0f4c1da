/**
 * Leak (a pending-call table, callback style). Outgoing jobs register a completion callback in a
 * plain object keyed by job id; the simulated worker drops one job in five, and nothing expires
 * the callbacks of dropped jobs.
 */
import { serve } from './serve.js';

const callbacks: Record<string, (err: Error | null, result?: number) => void> = {};
let jobs = 0;
let completed = 0;

function submit(job: string, done: (err: Error | null, result?: number) => void): void {
  const id = `job-${++jobs}`;
  callbacks[id] = done;
  if (jobs % 5 === 0) return; // the worker lost it
  setImmediate(() => {
    const cb = callbacks[id];
    delete callbacks[id];
    cb?.(null, job.length);
  });
}

serve(({ keyId, path }) => {
  const started = Date.now();
  submit(`${path}:${keyId}`, (err) => {
    if (err === null) completed += Date.now() - started >= 0 ? 1 : 0;
  });
  return { ok: true, completed };
});
