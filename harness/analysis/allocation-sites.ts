/**
 * "Allocated at": where the objects a finding accumulates were made, in the user's own source.
 *
 * Two sources of stacks, both recorded by the run through its one inspector session:
 * - `tracking`: snapshots taken while `HeapProfiler.startTrackingHeapObjects({ trackAllocations })`
 *   was on carry every object's allocation stack (`trace_node_id` → `trace_tree` →
 *   `trace_function_infos`), so the finding's own objects are attributed exactly.
 * - `sampling`: V8's sampling heap profiler (`HeapProfiler.getSamplingProfile`): a statistical
 *   profile of allocations still alive, for the whole heap, not only the finding's objects.
 *
 * Attribution (tracking). Objects reach a holder as *entries* — a Map value, an array element, a
 * listener — and an entry drags along what it alone keeps alive (a closure its scope, a record its
 * fields, whichever function made those). What a developer has to change is the code that makes
 * the entries, so every new object is charged to the allocation site of its entry: the highest
 * new object on its dominator-tree chain below the container (or the container's backing store,
 * whose own growth is charged to where it grew). This is DevTools' "retained size" rule applied to
 * the entries, with the allocation site of each entry as the grouping key.
 *
 * Granularity. V8 records, for every frame, the function's definition (`SharedFunctionInfo`
 * start position), not the line inside it. When the allocating function is in a readable source
 * file, the line that stores into the holder is looked up inside that function: a line naming the
 * holder (from the finding's retainer path) in a mutating call or assignment (`keyCache.set(…)`,
 * `log.push(…)`, `bus.on(…)`, `x[k] = …`). The site then says `refinedBy: 'holder-reference'`
 * and keeps the function's own position in `functionLine`/`functionColumn`.
 */
import { readFileSync } from 'node:fs';
import type { AllocationFrame, HeapGraph } from '../heap/types.js';
import type { AllocationMethod, AllocationSite, Finding } from '../types.js';
import { compareText } from './analyze-graphs.js';
import { attributeNewObjects, baselineIds } from './attribute-new-objects.js';
import { bulkArrays } from './bulk-arrays.js';
import { isBackingStoreNode } from './container-shape.js';
import { holderName } from './human-path.js';
import { SourceMapResolver } from './source-map-resolver.js';

/** CDP's `HeapProfiler.SamplingHeapProfile` (plain data; `callFrame` positions are 0-based). */
export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/** A node of {@link SamplingHeapProfile}. */
export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  selfSize: number;
  id: number;
  children?: SamplingHeapProfileNode[];
}

/** Options of {@link attachAllocationSites}. */
export interface AllocationSiteOptions {
  /** Files are shown relative to this directory (default: the working directory). */
  cwd?: string;
  /** Reuse a resolver (its source-map cache) across calls. */
  resolver?: SourceMapResolver;
  /** Sites kept per finding (default 5). */
  maxSites?: number;
  /** The run's sampling profile of live objects: used when the snapshots carry no allocation traces. */
  samplingProfile?: SamplingHeapProfile;
}

/** One object (or sampled allocation) with its stack, innermost frame first. */
export interface StackedBytes {
  frames: AllocationFrame[];
  bytes: number;
  count: number;
}

/**
 * Fills `allocatedAt` and `allocationMethod` of each finding (in place): from the snapshots'
 * allocation traces when the last snapshot has them, else from `samplingProfile`, else nothing.
 * `graphs` are the snapshots the findings came from, baseline first; findings need `holderId`
 * (as {@link analyzeGraphs} writes it).
 */
export function attachAllocationSites(graphs: HeapGraph[], findings: Finding[], options: AllocationSiteOptions = {}): void {
  if (findings.length === 0 || graphs.length < 2) return;
  const resolver = options.resolver ?? new SourceMapResolver(options.cwd);
  const maxSites = options.maxSites ?? 5;
  const final = graphs[graphs.length - 1]!;
  if (hasAllocationTraces(final)) {
    // The leak finder's attribution, recomputed here (it is linear) so findings stay plain data.
    const attr = attributeNewObjects(final, baselineIds(graphs[0]!));
    for (const finding of findings) {
      const container = typeof finding.holderId === 'number' ? final.ordinalOfId(finding.holderId) : -1;
      if (container < 0) continue;
      const holder = attr.isOld[container] === 1 ? container : attr.holderOf[container]!;
      if (holder < 0) continue;
      const members = new Uint8Array(final.nodeCount);
      for (let o = 0; o < final.nodeCount; o++) if (attr.holderOf[o] === holder) members[o] = 1;
      const sites = trackingSites(final, members, container, resolver, maxSites);
      refineToStoringLines(sites, holderTokens(final, container));
      finding.allocatedAt = sites;
      finding.allocationMethod = 'tracking' satisfies AllocationMethod;
    }
    return;
  }
  if (options.samplingProfile !== undefined) {
    const sites = samplingSites(options.samplingProfile, resolver, maxSites);
    for (const finding of findings) {
      const copy = sites.map((s) => {
        const c = { ...s };
        const file = absolutePaths.get(s);
        if (file !== undefined) absolutePaths.set(c, file);
        return c;
      });
      const container = typeof finding.holderId === 'number' ? final.ordinalOfId(finding.holderId) : -1;
      if (container >= 0) refineToStoringLines(copy, holderTokens(final, container));
      finding.allocatedAt = copy;
      finding.allocationMethod = 'sampling' satisfies AllocationMethod;
    }
  }
}

/** True when the snapshot carries allocation traces (some node has a `trace_node_id`). */
export function hasAllocationTraces(g: HeapGraph): boolean {
  for (let o = 0; o < g.nodeCount; o++) if (g.traceNodeId(o) !== 0) return true;
  return false;
}

/**
 * Allocation sites of the objects flagged in `members` (1 = counted), each charged to its entry's
 * site (see the file comment). `container` bounds the entries; shares are of all members' bytes.
 */
export function trackingSites(
  g: HeapGraph,
  members: Uint8Array,
  container: number,
  resolver: SourceMapResolver,
  maxSites = 5,
): AllocationSite[] {
  const { dominators } = bulkArrays(g);
  const entryOf = new Int32Array(g.nodeCount).fill(-1);
  const isBoundary = (d: number): boolean => {
    if (d === container) return true;
    // The container's own backing stores (a Map's table, an array's elements), possibly nested.
    let at = d;
    for (let k = 0; k < 3 && isBackingStoreNode(g, at); k++) {
      const up = dominators[at]!;
      if (up === container) return true;
      if (up === at) break;
      at = up;
    }
    return false;
  };
  const chain: number[] = [];
  // Keyed by trace node id: entries made by the same stack share one record.
  const byTrace = new Map<number, StackedBytes>();
  for (let o = 0; o < g.nodeCount; o++) {
    if (members[o] !== 1) continue;
    chain.length = 0;
    let at = o;
    let entry = o;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (entryOf[at]! >= 0) {
        entry = entryOf[at]!;
        break;
      }
      chain.push(at);
      const d = dominators[at]!;
      if (d === at || members[d] !== 1 || isBoundary(d)) {
        entry = at;
        break;
      }
      at = d;
    }
    for (const x of chain) entryOf[x] = entry;
    // An entry without a stack (made by the runtime, or before tracking began) lends none: the
    // object's own stack is used instead.
    const by = g.traceNodeId(entry) !== 0 ? entry : o;
    const trace = g.traceNodeId(by);
    if (trace === 0) continue;
    let acc = byTrace.get(trace);
    if (acc === undefined) {
      acc = { frames: g.allocationStack(by) ?? [], bytes: 0, count: 0 };
      byTrace.set(trace, acc);
    }
    acc.bytes += g.selfSize(o);
    acc.count++;
  }
  const stacked = [...byTrace.values()];
  let total = 0;
  for (let o = 0; o < g.nodeCount; o++) if (members[o] === 1) total += g.selfSize(o);
  return aggregateSites(stacked, total, resolver, maxSites);
}

/**
 * Sites of the sampling profile's live allocations: each node's `selfSize` (V8's estimate of the
 * live bytes it allocated) charged to its stack's chosen frame.
 */
export function samplingSites(profile: SamplingHeapProfile, resolver: SourceMapResolver, maxSites = 5): AllocationSite[] {
  const samplesByNode = new Map<number, number>();
  for (const s of profile.samples ?? []) samplesByNode.set(s.nodeId, (samplesByNode.get(s.nodeId) ?? 0) + 1);
  const stacked: StackedBytes[] = [];
  let total = 0;
  // Iterative DFS carrying the stack (innermost first) down the call tree.
  const work: Array<{ node: SamplingHeapProfileNode; stack: AllocationFrame[] }> = [{ node: profile.head, stack: [] }];
  while (work.length > 0) {
    const { node, stack } = work.pop()!;
    const cf = node.callFrame;
    const frames: AllocationFrame[] = [
      {
        functionName: cf.functionName,
        scriptName: cf.url,
        scriptId: Number(cf.scriptId ?? 0),
        // CDP call frames are 0-based.
        line: cf.lineNumber + 1,
        column: cf.columnNumber + 1,
      },
      ...stack,
    ];
    if (node.selfSize > 0) {
      stacked.push({ frames, bytes: node.selfSize, count: samplesByNode.get(node.id) ?? 0 });
      total += node.selfSize;
    }
    for (const child of node.children ?? []) work.push({ node: child, stack: frames.length > 64 ? frames.slice(0, 64) : frames });
  }
  return aggregateSites(stacked, total, resolver, maxSites);
}

/**
 * Groups stacked bytes by their chosen frame (the innermost frame in the user's own code: not a
 * Node built-in, not under node_modules; else the innermost frame with a script), maps positions
 * through source maps and returns the largest `maxSites` with their share of `totalBytes`.
 */
export function aggregateSites(
  stacked: StackedBytes[],
  totalBytes: number,
  resolver: SourceMapResolver,
  maxSites = 5,
): AllocationSite[] {
  const sites = new Map<string, AllocationSite>();
  const format = (f: AllocationFrame): string => {
    const p = resolver.resolve(f.scriptName, f.line, f.column);
    return `${f.functionName || '(anonymous)'} (${p.file}:${p.line}:${p.column})`;
  };
  for (const s of stacked) {
    if (s.bytes <= 0) continue;
    const at = chooseFrame(s.frames);
    if (at < 0) continue;
    const f = s.frames[at]!;
    const key = `${f.scriptName}\0${f.line}\0${f.column}\0${f.functionName}`;
    let site = sites.get(key);
    if (site === undefined) {
      const p = resolver.resolve(f.scriptName, f.line, f.column);
      site = { functionName: f.functionName || '(anonymous)', file: p.file, line: p.line, column: p.column, bytes: 0, count: 0, share: 0 };
      if (p.sourceMapped) site.sourceMapped = true;
      if (p.absolutePath !== undefined) absolutePaths.set(site, p.absolutePath);
      const callers = s.frames.slice(at + 1, at + 4).filter((c) => c.scriptName !== '').map(format);
      if (callers.length > 0) site.callers = callers;
      sites.set(key, site);
    }
    site.bytes += s.bytes;
    site.count += s.count;
  }
  const out = [...sites.values()].sort((a, b) => b.bytes - a.bytes || compareText(a.file, b.file) || a.line - b.line);
  for (const site of out) site.share = totalBytes > 0 ? Math.round((site.bytes / totalBytes) * 1000) / 1000 : 0;
  return out.slice(0, maxSites);
}

// Absolute source paths of sites, for the line refinement (kept out of the plain data).
const absolutePaths = new WeakMap<AllocationSite, string>();

/** Index of the frame to report: innermost user frame, else innermost frame with a script, else -1. */
export function chooseFrame(frames: AllocationFrame[]): number {
  let firstWithScript = -1;
  for (let i = 0; i < frames.length; i++) {
    const name = frames[i]!.scriptName;
    if (name === '') continue;
    if (firstWithScript < 0) firstWithScript = i;
    if (!name.startsWith('node:') && !/[\\/]node_modules[\\/]/.test(name)) return i;
  }
  return firstWithScript >= 0 ? firstWithScript : frames.length > 0 ? 0 : -1;
}

/** Identifiers naming the holder (`keyCache`, `bus`, `_events`, `request`), outermost first. */
export function holderTokens(g: HeapGraph, container: number): string[] {
  const name = holderName(g, container);
  const tokens = name.expression.match(/[A-Za-z_$][\w$]*/g) ?? [];
  return [...new Set(tokens.filter((t) => t !== 'globalThis'))];
}

const MUTATORS = 'set|add|push|unshift|splice|on|once|addListener|prependListener|prependOnceListener|addEventListener|append|put|enqueue';

/**
 * For each site in a readable source file, finds the line inside the allocating function that
 * stores into the holder (see the file comment) and moves the site there.
 */
export function refineToStoringLines(sites: AllocationSite[], tokens: string[], readSource: (file: string) => string | undefined = readText): void {
  if (tokens.length === 0) return;
  for (const site of sites) {
    const file = absolutePaths.get(site);
    if (file === undefined || /[\\/]node_modules[\\/]/.test(file)) continue;
    const text = readSource(file);
    if (text === undefined) continue;
    const lines = text.split('\n');
    const range = functionLineRange(lines, site.line, site.column);
    const found = storingLine(lines, range, tokens);
    if (found === undefined) continue;
    site.functionLine = site.line;
    site.functionColumn = site.column;
    site.line = found.line;
    site.column = found.column;
    site.refinedBy = 'holder-reference';
  }
}

const sourceCache = new Map<string, string | undefined>();
function readText(file: string): string | undefined {
  if (!sourceCache.has(file)) {
    try {
      sourceCache.set(file, readFileSync(file, 'utf8'));
    } catch {
      sourceCache.set(file, undefined);
    }
  }
  return sourceCache.get(file);
}

/**
 * Lines (1-based, inclusive) of the function whose definition starts at `line`:`column`: from
 * there to the brace that closes the first `{` outside parentheses (strings and comments skipped). A function without
 * a braced body (an arrow returning an expression) is its own line.
 */
export function functionLineRange(lines: string[], line: number, column: number): { from: number; to: number } {
  let depth = 0;
  let parens = 0;
  let opened = false;
  let quote = '';
  let blockComment = false;
  for (let l = line - 1; l < lines.length && l < line - 1 + 2000; l++) {
    const text = lines[l]!;
    for (let c = l === line - 1 ? Math.max(0, column - 1) : 0; c < text.length; c++) {
      const ch = text[c]!;
      if (blockComment) {
        if (ch === '*' && text[c + 1] === '/') {
          blockComment = false;
          c++;
        }
        continue;
      }
      if (quote !== '') {
        if (ch === '\\') c++;
        else if (ch === quote) quote = '';
        continue;
      }
      if (ch === '/' && text[c + 1] === '/') break;
      if (ch === '/' && text[c + 1] === '*') {
        blockComment = true;
        c++;
        continue;
      }
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
      // Braces inside the parameter list (destructuring, default objects) are not the body.
      else if (ch === '(') parens++;
      else if (ch === ')') parens--;
      else if (parens > 0) continue;
      else if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') {
        depth--;
        if (opened && depth === 0) return { from: line, to: l + 1 };
      }
    }
    // Single-line strings end with their line (template literals may not; good enough here).
    if (quote !== '`') quote = '';
    if (!opened && l >= line + 2) return { from: line, to: line };
  }
  return { from: line, to: opened ? lines.length : line };
}

/**
 * The first line in `range` where a holder token is stored into: `token.set(`, `token.push(`,
 * `token.on(`, `token[k] =`, `token.x =` (a chain of `.name` may sit between). Lines naming the
 * event too (the last token, for listener arrays) win over lines that only name the container.
 */
export function storingLine(
  lines: string[],
  range: { from: number; to: number },
  tokens: string[],
): { line: number; column: number } | undefined {
  let best: { line: number; column: number; score: number } | undefined;
  for (let l = range.from; l <= range.to && l <= lines.length; l++) {
    const text = (lines[l - 1] ?? '').replace(/\/\/.*$/, '');
    for (const token of tokens) {
      const re = new RegExp(
        `(?<![\\w$.])${escapeRegExp(token)}(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*\\s*(?:\\.\\s*(?:${MUTATORS})\\s*\\(|\\[[^\\]]*\\]\\s*=(?![=>])|=(?![=>]))`,
      );
      const m = re.exec(text);
      if (m === null) continue;
      const score = 1 + tokens.filter((t) => t !== token && new RegExp(`(?<![\\w$])${escapeRegExp(t)}(?![\\w$])`).test(text)).length;
      if (best === undefined || score > best.score) best = { line: l, column: m.index + 1, score };
    }
  }
  return best === undefined ? undefined : { line: best.line, column: best.column };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
