/**
 * Resident memory of a process tree, read from Linux `/proc` — the only view of a server that has
 * no V8 inspector (black-box mode of `leakbench run --cmd`). The tree is the server's process
 * group: the shell, the server and anything it spawned, since the harness starts each server as
 * the leader of its own group.
 */
import { readFileSync } from 'node:fs';
import { pidsInGroup } from './process-table.js';

/** `VmRSS` of one process in bytes, or undefined when it is gone (or has no memory: a zombie). */
export function processRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Sum of `VmRSS` over every live process in group `pgid`, bytes (0 when none is left). */
export function processGroupRssBytes(pgid: number): number {
  let total = 0;
  for (const pid of pidsInGroup(pgid)) total += processRssBytes(pid) ?? 0;
  return total;
}
