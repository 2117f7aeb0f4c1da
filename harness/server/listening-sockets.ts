/**
 * Which TCP addresses a process listens on, from Linux `/proc/net/tcp{,6}` matched against the
 * socket inodes in `/proc/<pid>/fd`. Used to check that servers and inspectors bind to loopback
 * only (a test does it for every child, and `run --cmd` warns about a user's server that does not).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One listening socket. */
export interface ListeningSocket {
  /** Dotted IPv4 or colon-separated IPv6 text. */
  address: string;
  port: number;
  family: 4 | 6;
  inode: number;
  /** True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
  loopback: boolean;
}

/** Socket inodes open in the processes `pids`. */
export function socketInodesOf(pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(Number(m[1]));
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** Every socket in state LISTEN (0A) from `/proc/net/tcp` and `/proc/net/tcp6`. */
export function listeningSockets(): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const [file, family] of [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const [hexAddr, hexPort] = f[1]!.split(':') as [string, string];
      const address = family === 4 ? ipv4(hexAddr) : ipv6(hexAddr);
      out.push({ address, port: parseInt(hexPort, 16), family, inode: Number(f[9]), loopback: isLoopback(address) });
    }
  }
  return out;
}

/** The listening sockets held by the processes `pids`. */
export function listeningSocketsOf(pids: readonly number[]): ListeningSocket[] {
  const inodes = socketInodesOf(pids);
  return listeningSockets().filter((s) => inodes.has(s.inode));
}

// /proc/net/tcp prints addresses as host-order 32-bit words in hex (little-endian here).
function word(hex: string): number[] {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function ipv4(hex: string): string {
  return word(hex).join('.');
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...word(hex.slice(i, i + 8)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function isLoopback(address: string): boolean {
  if (/^127\./.test(address)) return true;
  if (address === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped: ::ffff:7f00:1 style
  const m = /^0:0:0:0:0:ffff:([0-9a-f]+):[0-9a-f]+$/.exec(address);
  return m !== null && (parseInt(m[1]!, 16) >> 8) === 0x7f;
}
