/**
 * Reads heaptrack's interpreted data (the text `heaptrack_interpret` writes, decompressed) into
 * live bytes per allocation site at chosen instants of a run.
 *
 * The format (heaptrack 1.x, file format 3; all numbers hex): `s <len> <text>` strings (1-based),
 * `i <ip> <module> [<function> <file> <line>]…` instruction pointers (1-based; the first triple is
 * the frame at the address, the ones after it the inlined callers, outward), `t <ip> <parent>`
 * traces (1-based, 0 = root), `a <size> <trace>` allocation infos (0-based), `+ <info>` one
 * allocation, `- <info>` one free of an allocation of that info (heaptrack matched the pointer),
 * `c <ms>` elapsed time since heaptrack started. Because each free names its allocation info, the
 * live count of every info at any instant is exact: `+` minus `-` up to that `c` line. Heaptrack's
 * own "leaked at exit" list cannot tell a static map from a buffer merely alive at exit; live
 * bytes at several instants can.
 *
 * A site is the innermost frame in the program's own code (not the C library, the Rust standard
 * library, a crate registry or a system header): `src/bin/app.rs:31`, with the next frames of own
 * code as its callers.
 */

/** One stack frame as heaptrack symbolized it. */
export interface NativeFrame {
  functionName: string;
  /** Source file as the debug info names it ('' without debug info). */
  file: string;
  line: number;
  /** Executable or shared object. */
  module: string;
}

/** Live memory of one allocation site at each instant. */
export interface SiteWindows {
  /** `function (file:line)`, stable within one run. */
  key: string;
  frame: NativeFrame;
  /** Own-code callers, innermost first (up to three), as `function (file:line)`. */
  callers: string[];
  /** True when no frame of the stack was own code: the site is the innermost named frame. */
  outsideOwnCode: boolean;
  liveBytes: number[];
  liveCount: number[];
  /** Allocations made at this site between the first and the last instant. */
  allocationsBetween: number;
}

/** What a trace file says about the run as a whole. */
export interface HeaptrackReading {
  /** Instants in ms since heaptrack started, as asked (the reading at the first `c` line at or after each). */
  instantsMs: number[];
  /** False for an instant the trace ended before (the reading is at the end of the data). */
  instantSeen: boolean[];
  sites: SiteWindows[];
  /** Allocations (all sites) between the first and the last instant. */
  allocationsBetween: number;
  /** Frames with a function name / with a file, among the frames of sites that allocated between the instants. */
  framesNamed: number;
  framesWithFile: number;
  framesTotal: number;
  /** Time of the last `c` line. */
  endMs: number;
}

const SYSTEM_FILE = /^(\/usr\/|\/lib(64)?\/|\/rustc\/|\/build\/|library\/|\.\/|\.\.\/|<)|\/\.?cargo\/registry\/|\/rustlib\//;

/** True for a frame of the program's own code (debug info with a file outside toolchains and system paths). */
export function isOwnCodeFrame(frame: NativeFrame): boolean {
  return frame.file !== '' && !SYSTEM_FILE.test(frame.file);
}

/**
 * Readable Rust legacy symbol (`..` → `::`, `$LT$` → `<`, `$u7b$` → `{`, hash suffix dropped);
 * other names unchanged. heaptrack demangles C++ and Rust v0 itself.
 */
export function readableSymbol(name: string): string {
  const codes: Record<string, string> = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };
  return name
    .replace(/::h[0-9a-f]{16}$/, '')
    .replace(/(^|::)_(?=\$)/g, '$1')
    .replace(/\$([A-Z]{1,2})\$/g, (m, c: string) => codes[c] ?? m)
    .replace(/\$u([0-9a-f]{2})\$/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\.\./g, '::');
}

/** `function (file:line)`, or the module when there is no file. */
export function frameLabel(f: NativeFrame): string {
  return f.file ? `${f.functionName} (${f.file}:${f.line})` : `${f.functionName} (${f.module})`;
}

/**
 * Reads the interpreted trace `lines` and measures live bytes per site at `instantsMs` (ms since
 * heaptrack started, ascending).
 */
export async function readHeaptrackTrace(lines: AsyncIterable<string> | Iterable<string>, instantsMs: readonly number[]): Promise<HeaptrackReading> {
  const strings: string[] = [''];
  const ipFrames: NativeFrame[][] = [[]];
  const traceIp: number[] = [0];
  const traceParent: number[] = [0];
  const infoSize: number[] = [];
  const infoTrace: number[] = [];
  let live: Int32Array<ArrayBuffer> = new Int32Array(1024);
  const snapshots: Int32Array[] = [];
  const seen: boolean[] = [];
  let allocationsBetween = 0;
  let allocsPerInfoBetween: Int32Array<ArrayBuffer> = new Int32Array(1024);
  let endMs = 0;
  const counting = (): boolean => snapshots.length > 0 && snapshots.length < instantsMs.length;

  for await (const line of lines) {
    const kind = line.charCodeAt(0);
    if (kind === 43 /* + */ || kind === 45 /* - */) {
      const info = parseInt(line.slice(2), 16);
      if (info >= live.length) {
        live = grow(live, info);
        allocsPerInfoBetween = grow(allocsPerInfoBetween, info);
      }
      if (kind === 43) {
        live[info]!++;
        if (counting()) {
          allocationsBetween++;
          allocsPerInfoBetween[info]!++;
        }
      } else {
        live[info]!--;
      }
      continue;
    }
    switch (line[0]) {
      case 'c': {
        endMs = parseInt(line.slice(2), 16);
        while (snapshots.length < instantsMs.length && endMs >= instantsMs[snapshots.length]!) {
          snapshots.push(live.slice());
          seen.push(true);
        }
        break;
      }
      case 'a': {
        const [size, trace] = fields(line);
        infoSize.push(size ?? 0);
        infoTrace.push(trace ?? 0);
        break;
      }
      case 't': {
        const [ip, parent] = fields(line);
        traceIp.push(ip ?? 0);
        traceParent.push(parent ?? 0);
        break;
      }
      case 's': {
        // `s <len> <text>`: the text may contain spaces.
        const space = line.indexOf(' ', 2);
        strings.push(space < 0 ? '' : line.slice(space + 1));
        break;
      }
      case 'i': {
        const [, module, ...rest] = fields(line);
        const moduleName = strings[module ?? 0] ?? '';
        const frames: NativeFrame[] = [];
        if (rest.length === 0) frames.push({ functionName: '', file: '', line: 0, module: moduleName });
        for (let k = 0; k < rest.length; k += 3) {
          frames.push({
            functionName: readableSymbol(strings[rest[k]!] ?? ''),
            file: strings[rest[k + 1] ?? 0] ?? '',
            line: rest[k + 2] ?? 0,
            module: moduleName,
          });
        }
        ipFrames.push(frames);
        break;
      }
      default:
        break;
    }
  }
  while (snapshots.length < instantsMs.length) {
    snapshots.push(live.slice());
    seen.push(false);
  }

  // Sites: one per innermost own-code frame, found once per trace.
  const siteOfTrace = new Map<number, SiteWindows>();
  const sites = new Map<string, SiteWindows>();
  let framesNamed = 0;
  let framesWithFile = 0;
  let framesTotal = 0;
  const siteFor = (trace: number): SiteWindows => {
    const known = siteOfTrace.get(trace);
    if (known) return known;
    const stack: NativeFrame[] = [];
    for (let t = trace, guard = 0; t !== 0 && guard < 256; t = traceParent[t] ?? 0, guard++) stack.push(...(ipFrames[traceIp[t] ?? 0] ?? []));
    const own = stack.findIndex(isOwnCodeFrame);
    // Without own code (no debug info, or only library frames): the innermost named frame that is
    // not the allocator itself.
    const at = own >= 0 ? own : Math.max(0, stack.findIndex((f) => f.functionName !== '' && !ALLOCATOR.test(f.functionName)));
    const frame = stack[at] ?? { functionName: '', file: '', line: 0, module: '' };
    const callers = stack.slice(at + 1).filter((f) => own < 0 || isOwnCodeFrame(f)).slice(0, 3).map(frameLabel);
    const key = frameLabel(frame);
    let site = sites.get(key);
    if (!site) {
      site = { key, frame, callers, outsideOwnCode: own < 0, liveBytes: instantsMs.map(() => 0), liveCount: instantsMs.map(() => 0), allocationsBetween: 0 };
      sites.set(key, site);
    }
    siteOfTrace.set(trace, site);
    return site;
  };
  for (let info = 0; info < infoSize.length; info++) {
    const between = allocsPerInfoBetween[info] ?? 0;
    const anyLive = snapshots.some((s) => (s[info] ?? 0) !== 0);
    if (!anyLive && between === 0) continue;
    const site = siteFor(infoTrace[info]!);
    for (let k = 0; k < snapshots.length; k++) {
      const n = snapshots[k]![info] ?? 0;
      site.liveCount[k]! += n;
      site.liveBytes[k]! += n * infoSize[info]!;
    }
    site.allocationsBetween += between;
    if (between > 0) {
      framesTotal++;
      if (site.frame.functionName !== '') framesNamed++;
      if (site.frame.file !== '') framesWithFile++;
    }
  }
  return { instantsMs: [...instantsMs], instantSeen: seen, sites: [...sites.values()], allocationsBetween, framesNamed, framesWithFile, framesTotal, endMs };
}

/** Allocator entry points: never a site of their own. */
const ALLOCATOR = /^(malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|valloc|operator new|__rust_alloc|__rdl_alloc|__rg_alloc|alloc::alloc::)/;

function fields(line: string): number[] {
  const parts = line.split(' ');
  const out: number[] = [];
  for (let k = 1; k < parts.length; k++) out.push(parseInt(parts[k]!, 16));
  return out;
}

function grow(a: Int32Array<ArrayBuffer>, index: number): Int32Array<ArrayBuffer> {
  let n = a.length;
  while (n <= index) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
