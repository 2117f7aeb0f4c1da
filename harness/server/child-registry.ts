/**
 * A last line of defence against orphaned servers. Every child the harness spawns runs in its own
 * process group (so a terminal's Ctrl-C does not reach it half-way through a snapshot) and is
 * registered here; owners kill their children in `finally`, and when the harness process itself
 * exits for any reason (a second Ctrl-C calls `process.exit`), the `exit` hook below kills every
 * group still registered, synchronously, because nothing asynchronous runs after `exit`.
 *
 * A harness killed with SIGKILL (a CI job's timeout, the OOM killer, `kill -9`) runs no hook at
 * all, and a child in its own process group outlives it. So the first registration also starts a
 * *reaper*: a tiny Node process in a group of its own that reads the live groups from a pipe and,
 * when the pipe ends (the harness is gone, however it ended), kills every group still listed.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const liveGroups = new Set<number>();
let hooked = false;
let reaper: ChildProcess | undefined;

/**
 * The reaper's program: `+pgid` / `-pgid` lines on stdin; at end of input, SIGKILL to every group
 * still listed, then exit. It ignores SIGINT and SIGHUP (a terminal's Ctrl-C or hang-up reaches
 * the harness, which cleans up itself and then closes the pipe).
 */
const REAPER_SOURCE = `
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
const groups = new Set();
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  rest += chunk;
  const lines = rest.split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (line[0] === '+') groups.add(pid);
    else groups.delete(pid);
  }
});
const reap = () => {
  for (const pid of groups) {
    try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch {} }
  }
  process.exit(0);
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

/** Starts the reaper once; a harness that cannot start it still has its `exit` hook. */
function tellReaper(line: string): void {
  try {
    if (reaper === undefined) {
      // Its own process group: a signal to the harness' group does not reach it. It is a child
      // of the harness (Node closes a child's stdin pipe when the child exits, so a shell in
      // between would end the pipe at once); `childPidsOf` leaves it out.
      reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, env: {} });
      reaper.on('error', () => {});
      reaper.stdin?.on('error', () => {});
      // Neither the reaper nor its pipe keeps the harness alive.
      reaper.unref();
      (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    }
    reaper.stdin?.write(`${line}\n`);
  } catch {
    // The exit hook still covers every ending but SIGKILL.
  }
}

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
  tellReaper(`+${pid}`);
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
  if (reaper !== undefined) tellReaper(`-${pid}`);
}

/** Pid of the reaper, once started: a child of the harness by design, not a server. */
export function reaperPid(): number | undefined {
  return reaper?.pid;
}

/** Process-group ids of children still alive as far as the harness knows (tests check it). */
export function liveChildGroups(): number[] {
  return [...liveGroups];
}
