/**
 * Reads the process table (Linux `/proc`) to check that no child outlives a run: tests and the
 * `run` command's self-check use it. Returns nothing on platforms without `/proc`.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids whose parent is `parentPid` (direct children), from `/proc/<pid>/stat`. */
export function childPidsOf(parentPid: number = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 2 (comm) is parenthesised and may contain spaces: parse after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = rest[0];
      const ppid = Number(rest[1]);
      if (ppid === parentPid && state !== 'Z') out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** True when a process with `pid` exists (and is not a zombie). */
export function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Pids in process group `pgid` (a killed server's group must be empty). */
export function pidsInGroup(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[3]) === pgid && rest[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}
