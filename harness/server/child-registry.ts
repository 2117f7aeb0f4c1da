/**
 * A last line of defence against orphaned servers. Every child the harness spawns runs in its own
 * process group (so a terminal's Ctrl-C does not reach it half-way through a snapshot) and is
 * registered here; owners kill their children in `finally`, and when the harness process itself
 * exits for any reason (a second Ctrl-C calls `process.exit`), the `exit` hook below kills every
 * group still registered, synchronously, because nothing asynchronous runs after `exit`.
 */

const liveGroups = new Set<number>();
let hooked = false;

/** Sends `signal` to the whole process group led by `pid`; false when no such group exists. */
export function killProcessGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    // A negative pid addresses the process group (POSIX kill(2)); the child is its group's leader.
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Remembers a child's group so it is killed if the harness exits before its owner cleans up. */
export function registerChildGroup(pid: number): void {
  liveGroups.add(pid);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const group of liveGroups) killProcessGroup(group, 'SIGKILL');
      liveGroups.clear();
    });
  }
}

/** Forgets a child's group once it has been killed and reaped. */
export function unregisterChildGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** Process-group ids of children still alive as far as the harness knows (tests check it). */
export function liveChildGroups(): number[] {
  return [...liveGroups];
}
