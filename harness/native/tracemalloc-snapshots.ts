/**
 * Reads the snapshot files leakbench's tracemalloc hook writes (harness/server/python/
 * sitecustomize.py: `<size>\t<count>\t<file>:<line>|…`, frames innermost first) into live bytes
 * per site at each instant, the same shape heaptrack's reader gives. A site is the innermost frame
 * in the program's own code (not the standard library or site-packages).
 */
import type { NativeFrame, SiteWindows } from './heaptrack-trace.js';

const LIBRARY_FILE = /^<|\/lib\/python3[^/]*\/|\/site-packages\/|\/dist-packages\//;

/** True for a frame of the server's own Python code. */
export function isOwnPythonFrame(file: string): boolean {
  return !LIBRARY_FILE.test(file);
}

/** Parses one `file:line` frame (the file may contain colons). */
function parseFrame(text: string): NativeFrame {
  const colon = text.lastIndexOf(':');
  return { functionName: '', file: colon < 0 ? text : text.slice(0, colon), line: colon < 0 ? 0 : Number(text.slice(colon + 1)) || 0, module: 'python' };
}

/** Live bytes per site at each instant, from the text of each instant's snapshot file. */
export function readTracemallocSnapshots(texts: readonly string[], relativeTo?: (file: string) => string): SiteWindows[] {
  const sites = new Map<string, SiteWindows>();
  texts.forEach((text, k) => {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [size, count, frames] = line.split('\t');
      const stack = (frames ?? '').split('|').filter(Boolean).map(parseFrame);
      const own = stack.findIndex((f) => isOwnPythonFrame(f.file));
      const at = own >= 0 ? own : 0;
      const raw = stack[at] ?? { functionName: '', file: '', line: 0, module: 'python' };
      const frame = { ...raw, file: relativeTo ? relativeTo(raw.file) : raw.file };
      const key = `${frame.file}:${frame.line}`;
      let site = sites.get(key);
      if (!site) {
        const callers = stack.slice(at + 1).filter((f) => isOwnPythonFrame(f.file)).slice(0, 3).map((f) => `${relativeTo ? relativeTo(f.file) : f.file}:${f.line}`);
        site = { key, frame, callers, outsideOwnCode: own < 0, liveBytes: texts.map(() => 0), liveCount: texts.map(() => 0), allocationsBetween: 0 };
        sites.set(key, site);
      }
      site.liveBytes[k]! += Number(size) || 0;
      site.liveCount[k]! += Number(count) || 0;
    }
  });
  return [...sites.values()];
}
