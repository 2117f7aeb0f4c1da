/**
 * "Measured after the work settles": a function under test may leave work behind — a promise chain
 * it did not return, a timer, a socket, a listener waiting for an event. Its objects are alive until
 * that work ends, so a snapshot taken at once would count them as kept. Before each snapshot the
 * measurement waits until the process holds no more active resources of any kind than it did
 * before the function first ran (`process.getActiveResourcesInfo()`: timers, sockets, file
 * requests that keep the event loop alive), or until a deadline. Work that never ends — an interval
 * per call — then stays in the snapshot, which is right: it is kept.
 */
import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';

/** Active resources by type (`Timeout`, `TCPSocketWrap`, `FSReqCallback`, …). */
export function activeResourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The resources in `now` beyond `before`, as `3 Timeout, 1 TCPSocketWrap` ('' when none). */
export function extraResources(before: ReadonlyMap<string, number>, now: ReadonlyMap<string, number>): string {
  const extra: string[] = [];
  for (const [type, n] of now) {
    const more = n - (before.get(type) ?? 0);
    if (more > 0) extra.push(`${more} ${type}`);
  }
  return extra.sort().join(', ');
}

/**
 * Lets microtasks and pending callbacks run, then polls until no resource beyond `before` is
 * active or `timeoutMs` has passed. Returns '' when settled, else what is still pending.
 */
export async function settle(before: ReadonlyMap<string, number>, timeoutMs: number): Promise<string> {
  // Two macrotask turns: promise chains the function started, and the callbacks they schedule.
  await nextMacrotask();
  await nextMacrotask();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const pending = extraResources(before, activeResourceCounts());
    if (pending === '' || performance.now() >= deadline) return pending;
    await sleep(Math.min(5, Math.max(1, deadline - performance.now())));
  }
}
