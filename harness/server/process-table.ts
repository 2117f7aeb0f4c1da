/**
 * Reads the process table (Linux `/proc`) to check that no child outlives a run: tests and the
 * `run` command's self-check use it. Returns nothing on platforms without `/proc`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { reaperPid } from './child-registry.js';

/**
 * Live (non-zombie) pids whose `/proc/<pid>/stat` fields satisfy `match`. `fields` starts at field
 * 3 (state): field 2 (comm) is parenthesised and may contain spaces, so parsing starts after the
 * last ')'. So `fields[0]` is the state, `[1]` the parent pid, `[3]` the process group.
 */
function livePidsWhere(match: (fields: string[]) => boolean): number[] {
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
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && match(fields)) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/**
 * Pids whose parent is `parentPid` (direct children), from `/proc/<pid>/stat`; this process'
 * reaper (child-registry.ts), which lives as long as the harness, is not counted.
 */
export function childPidsOf(parentPid: number = process.pid): number[] {
  const reaper = parentPid === process.pid ? reaperPid() : undefined;
  return livePidsWhere((fields) => Number(fields[1]) === parentPid).filter((pid) => pid !== reaper);
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
  return livePidsWhere((fields) => Number(fields[3]) === pgid);
}
