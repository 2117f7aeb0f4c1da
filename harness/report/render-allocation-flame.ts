/**
 * An allocation flame graph (icicle: callers on top, callees below, width = bytes) of a V8
 * sampling heap profile — the `.heapprofile` JSON that CDP's `HeapProfiler.stopSampling` returns and
 * Chrome DevTools saves — rendered to inline SVG with Vega-Lite, so it works offline inside
 * report.html (unlike profiler UIs that fetch fonts or scripts at view time).
 *
 * Layout follows Brendan Gregg's flame graph: each frame's width is its total (self + descendants)
 * bytes, children laid side by side within the parent's span, sorted by name for stable output.
 * Frames narrower than {@link MIN_SHARE} of the total are dropped to keep the SVG small and legible.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg } from './heap-charts.js';
import { formatBytes } from './format-units.js';
import { redactSecrets } from './redact-secrets.js';

/** A node of a V8 sampling heap profile (CDP `HeapProfiler.SamplingHeapProfileNode`). */
export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  selfSize: number;
  id?: number;
  children: SamplingHeapProfileNode[];
}

/** A V8 sampling heap profile (CDP `HeapProfiler.SamplingHeapProfile`, a `.heapprofile` file). */
export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/** Frames below this share of all sampled bytes are not drawn. */
export const MIN_SHARE = 0.004;
const MAX_DEPTH = 40;
const WIDTH_PX = 1040;
const ROW_PX = 17;

/** Where a frame's code lives, for colouring: the application, a dependency, or Node/V8 itself. */
export type FrameOrigin = 'app' | 'dependency' | 'node';

/** Classifies a frame by its script URL. */
export function frameOrigin(url: string): FrameOrigin {
  if (url === '' || url.startsWith('node:') || !/[/\\]/.test(url)) return 'node';
  if (/[/\\]node_modules[/\\]/.test(url)) return 'dependency';
  return 'app';
}

/** One drawn frame. */
export interface FlameFrame {
  name: string;
  site: string;
  origin: FrameOrigin;
  depth: number;
  /** Start and end of the frame's span, bytes from the left edge. */
  x0: number;
  x1: number;
  totalBytes: number;
  selfBytes: number;
}

function totals(node: SamplingHeapProfileNode, memo: Map<SamplingHeapProfileNode, number>): number {
  let sum = node.selfSize;
  for (const c of node.children) sum += totals(c, memo);
  memo.set(node, sum);
  return sum;
}

function shortUrl(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm + 'node_modules/'.length);
  const parts = clean.split(/[/\\]/);
  return parts.slice(-2).join('/');
}

/** Lays the profile out as flame frames (pure; exported for tests). */
export function layoutFlame(profile: SamplingHeapProfile): { frames: FlameFrame[]; totalBytes: number } {
  const memo = new Map<SamplingHeapProfileNode, number>();
  const totalBytes = totals(profile.head, memo);
  const frames: FlameFrame[] = [];
  if (totalBytes <= 0) return { frames, totalBytes };
  const visit = (node: SamplingHeapProfileNode, depth: number, x0: number): void => {
    const size = memo.get(node) ?? 0;
    if (size / totalBytes < MIN_SHARE || depth > MAX_DEPTH) return;
    const f = node.callFrame;
    const name = depth === 0 ? 'all sampled allocations' : f.functionName || '(anonymous)';
    const site = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    frames.push({ name: redactSecrets(name), site: redactSecrets(site), origin: depth === 0 ? 'node' : frameOrigin(f.url), depth, x0, x1: x0 + size, totalBytes: size, selfBytes: node.selfSize });
    let x = x0;
    const kids = [...node.children].sort((a, b) => (a.callFrame.functionName || '').localeCompare(b.callFrame.functionName || '') || (memo.get(b) ?? 0) - (memo.get(a) ?? 0));
    for (const child of kids) {
      visit(child, depth + 1, x);
      x += memo.get(child) ?? 0;
    }
  };
  visit(profile.head, 0, 0);
  return { frames, totalBytes };
}

/** The top allocation sites by self bytes. */
export function topAllocationSites(profile: SamplingHeapProfile, limit = 8): Array<{ name: string; site: string; origin: FrameOrigin; selfBytes: number }> {
  const bySite = new Map<string, { name: string; site: string; origin: FrameOrigin; selfBytes: number }>();
  const walk = (node: SamplingHeapProfileNode, depth: number): void => {
    if (depth > 0 && node.selfSize > 0) {
      const f = node.callFrame;
      const name = f.functionName || '(anonymous)';
      const site = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
      const key = `${name}\u0000${site}`;
      const entry = bySite.get(key) ?? { name: redactSecrets(name), site: redactSecrets(site), origin: frameOrigin(f.url), selfBytes: 0 };
      entry.selfBytes += node.selfSize;
      bySite.set(key, entry);
    }
    for (const c of node.children) walk(c, depth + 1);
  };
  walk(profile.head, 0);
  return [...bySite.values()].sort((a, b) => b.selfBytes - a.selfBytes).slice(0, limit);
}

const ORIGIN_COLORS: Record<FrameOrigin, string> = { app: '#e76f51', dependency: '#e9c46a', node: '#a8b5c2' };

/** Renders the flame graph of `profile` as an SVG string; empty string when nothing was sampled. */
export async function renderAllocationFlame(profile: SamplingHeapProfile, idPrefix: string): Promise<string> {
  const { frames, totalBytes } = layoutFlame(profile);
  if (frames.length === 0) return '';
  const maxDepth = Math.max(...frames.map((f) => f.depth));
  const pxPerByte = WIDTH_PX / totalBytes;
  const rows = frames.map((f) => {
    // Labels are cut to the frame's width here (Vega-Lite cannot size a text limit per datum).
    const chars = Math.floor(((f.x1 - f.x0) * pxPerByte - 6) / 6.2);
    const full = `${f.name} ${formatBytes(f.totalBytes)}`;
    const label = chars >= full.length ? full : chars >= f.name.length ? f.name : chars >= 4 ? `${f.name.slice(0, chars - 1)}…` : '';
    return { ...f, y0: f.depth, y1: f.depth + 1, label, origin: f.origin };
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH_PX,
    height: (maxDepth + 1) * ROW_PX,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.6 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', scale: { domain: [0, totalBytes], nice: false, zero: true }, axis: null },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', scale: { domain: [0, maxDepth + 1], reverse: true, nice: false, zero: true }, axis: null },
          y2: { field: 'y1' },
          color: {
            field: 'origin',
            type: 'nominal',
            title: null,
            scale: { domain: ['app', 'dependency', 'node'], range: [ORIGIN_COLORS.app, ORIGIN_COLORS.dependency, ORIGIN_COLORS.node] },
            legend: { orient: 'top', direction: 'horizontal', labelExpr: "datum.label === 'app' ? 'your code' : datum.label === 'dependency' ? 'node_modules' : 'Node.js / V8'" },
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10.5, color: '#1f2328' },
        encoding: {
          x: { field: 'x0', type: 'quantitative' },
          y: { field: 'mid', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
        transform: [{ calculate: 'datum.y0 + 0.5', as: 'mid' }],
      },
    ],
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif',
      view: { stroke: null },
      background: 'transparent',
    },
  } as TopLevelSpec;
  return renderVegaLiteSvg(spec, idPrefix);
}
