/**
 * Heap-growth charts as inline SVG: Vega-Lite specs compiled to Vega and rendered headless in Node
 * (`renderer: 'none'` + `toSVG()` needs no canvas), so report.html carries finished drawings and no
 * script or network access at view time.
 *
 * One chart per x axis (time, requests served), faceted into heapUsed / external / RSS panels (RSS
 * alone for a black-box run) with independent y scales, every series (leaky, fixed, or run A/B in
 * a comparison) as a coloured line, after-GC samples as dots, snapshot moments as dashed rules
 * in the series' colour, and the run protocol's phases other than plain load (warm-up, extension,
 * same-key replay, idle, self-check) as shaded bands named along the bottom.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { VariantRun } from '../types.js';

/** One line on the charts: a variant's run with the label and colour it is drawn with. */
export interface ChartSeries {
  label: string;
  /** CSS colour of the line and its snapshot rules. */
  color: string;
  run: Pick<VariantRun, 'samples' | 'snapshots' | 'phases'>;
}

/** Which memory figures are drawn, in panel order. */
export const CHART_METRICS = ['heapUsed', 'external', 'RSS'] as const;
type Metric = (typeof CHART_METRICS)[number];

/** The x axis of a chart. */
export type ChartAxis = 'time' | 'requests';

/** Rendered SVG markup for both x axes. */
export interface HeapCharts {
  byTime: string;
  byRequests: string;
}

/** Above this many samples per series the line is thinned (every nth sample; after-GC samples kept). */
const MAX_POINTS_PER_SERIES = 600;

/** Colours per variant; a comparison overrides them per run. */
export const VARIANT_COLORS: Record<string, string> = {
  leaky: '#d1495b',
  fixed: '#2a9d8f',
  custom: '#3d5a80',
};

interface Row {
  series: string;
  metric: Metric;
  kind: 'sample' | 'gc' | 'snapshot' | 'phase';
  x: number;
  /** End of a phase band. */
  x2?: number;
  mb: number | null;
  label?: string;
}

/** Shades of the phase bands (plain load is not shaded). */
const PHASE_SHADES: Record<string, string> = {
  warmup: '#bbbbbb',
  extend: '#e9c46a',
  replay: '#8ab17d',
  idle: '#7aa6c2',
  'self-check': '#b392ac',
};

function metricBytes(s: VariantRun['samples'][number], metric: Metric): number {
  return metric === 'heapUsed' ? s.heapUsedBytes : metric === 'external' ? s.externalBytes : s.rssBytes;
}

/**
 * The panels worth drawing: all of {@link CHART_METRICS}, except heapUsed and external when no
 * sample has them (black-box runs: RSS only), which would be flat lines at zero.
 */
export function chartMetrics(series: readonly ChartSeries[]): Metric[] {
  return CHART_METRICS.filter((m) => m === 'RSS' || series.some(({ run }) => run.samples.some((s) => metricBytes(s, m) > 0)));
}

/** Flattens the series into the long-form rows the Vega-Lite spec filters and encodes. */
export function chartRows(series: readonly ChartSeries[], axis: ChartAxis): Row[] {
  const rows: Row[] = [];
  const metrics = chartMetrics(series);
  for (const { label, run } of series) {
    const step = Math.max(1, Math.ceil(run.samples.length / MAX_POINTS_PER_SERIES));
    run.samples.forEach((s, i) => {
      const keep = i % step === 0 || i === run.samples.length - 1 || s.afterGc;
      if (!keep) return;
      const x = axis === 'time' ? s.tMs / 1000 : s.requests;
      for (const metric of metrics) {
        const mb = metricBytes(s, metric) / 1e6;
        rows.push({ series: label, metric, kind: 'sample', x, mb });
        if (s.afterGc) rows.push({ series: label, metric, kind: 'gc', x, mb });
      }
    });
    for (const snap of run.snapshots) {
      const x = axis === 'time' ? snap.tMs / 1000 : snap.requests;
      for (const metric of metrics) rows.push({ series: label, metric, kind: 'snapshot', x, mb: null, label: snap.label });
    }
    for (const p of run.phases ?? []) {
      if (p.kind === 'load') continue;
      const [x, x2] = axis === 'time' ? [p.startMs / 1000, p.endMs / 1000] : [p.requestsStart, p.requestsEnd];
      // No requests in an idle phase: it has no width on the requests axis.
      if (!(x2 > x)) continue;
      for (const metric of metrics) rows.push({ series: label, metric, kind: 'phase', x, x2, mb: null, label: p.kind });
    }
  }
  return rows;
}

/** The Vega-Lite spec of one chart (exported for tests and for anyone who wants the raw spec). */
export function heapChartSpec(series: readonly ChartSeries[], axis: ChartAxis, panelWidth = 300): TopLevelSpec {
  const xTitle = axis === 'time' ? 'time since load start (s)' : 'requests served';
  const xAxis = axis === 'time' ? { title: xTitle, tickCount: 6 } : { title: xTitle, format: '~s', tickCount: 5 };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: series.map((s) => s.label), range: series.map((s) => s.color) },
    legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: chartRows(series, axis) },
    facet: {
      column: {
        field: 'metric',
        type: 'nominal',
        sort: chartMetrics(series),
        title: null,
        header: { labelFontSize: 13, labelFontWeight: 'bold', labelColor: '#333' },
      },
    },
    spec: {
      width: panelWidth,
      height: 190,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'phase'" }],
          mark: { type: 'rect', opacity: 0.16 },
          encoding: {
            x: { field: 'x', type: 'quantitative', axis: xAxis },
            x2: { field: 'x2' },
            fill: {
              field: 'label',
              type: 'nominal',
              title: 'phase',
              scale: { domain: Object.keys(PHASE_SHADES), range: Object.values(PHASE_SHADES) },
              legend: { orient: 'bottom' as const, direction: 'horizontal' as const },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'snapshot'" }],
          mark: { type: 'rule', strokeDash: [5, 4], strokeWidth: 1.3, opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative', axis: xAxis },
            color,
          },
        },
        {
          // Snapshot names along the top edge, for the first series only (the others share them).
          transform: [{ filter: `datum.kind === 'snapshot' && datum.series === ${JSON.stringify(series[0]?.label ?? '')}` }],
          mark: { type: 'text', y: 0, dy: -5, dx: 2, align: 'left', baseline: 'bottom', fontSize: 9.5, color: '#777' },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            text: { field: 'label', type: 'nominal' },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'sample'" }],
          mark: { type: 'line', strokeWidth: 2, opacity: 0.75 },
          encoding: {
            x: { field: 'x', type: 'quantitative', axis: xAxis },
            y: { field: 'mb', type: 'quantitative', title: 'MB', scale: { zero: true }, axis: { tickCount: 5 } },
            color,
          },
        },
        {
          // After-GC samples joined: the retained memory the verdict regresses on, without garbage.
          transform: [{ filter: "datum.kind === 'gc'" }],
          mark: { type: 'line', strokeWidth: 1.6, strokeDash: [2, 3], opacity: 0.95 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'mb', type: 'quantitative' },
            color,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'gc'" }],
          mark: { type: 'point', filled: true, size: 42, opacity: 1, stroke: 'white', strokeWidth: 1 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'mb', type: 'quantitative' },
            color,
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif',
      view: { stroke: '#ddd' },
      axis: { gridColor: '#eee', labelColor: '#555', titleColor: '#555', titleFontWeight: 'normal', domainColor: '#bbb' },
      legend: { labelFontSize: 12 },
      background: 'transparent',
    },
  } as TopLevelSpec;
}

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string in this process. `idPrefix` keeps ids
 * (clip paths, gradients) unique when several SVGs are inlined into one page.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // Loaded on first use: vega and vega-lite take ~0.4 s to load, which every `leakbench` command
  // would otherwise pay at start-up, even `--help` and `analyze`.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // Warnings go to a silent logger: a report render must not write to the terminal of a run.
  const compiled = vl.compile(spec, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    return svg
      .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${idPrefix}-${id}"`)
      .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${idPrefix}-${id})`)
      .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${idPrefix}-${id}"`);
  } finally {
    view.finalize();
  }
}

/** Renders heapUsed / external / RSS against time and against requests for every series. */
export async function renderHeapCharts(series: readonly ChartSeries[], idPrefix = 'hc'): Promise<HeapCharts> {
  const [byTime, byRequests] = await Promise.all([
    renderVegaLiteSvg(heapChartSpec(series, 'time'), `${idPrefix}-t`),
    renderVegaLiteSvg(heapChartSpec(series, 'requests'), `${idPrefix}-r`),
  ]);
  return { byTime, byRequests };
}

/** A small bar chart of a finding's retained bytes at each snapshot step. */
export async function renderGrowthBars(
  steps: ReadonlyArray<{ label: string; retainedBytes: number; count: number }>,
  color: string,
  idPrefix: string,
): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 220,
    height: 110,
    data: { values: steps.map((s, i) => ({ ...s, order: i, mb: s.retainedBytes / 1e6 })) },
    layer: [
      {
        mark: { type: 'bar', color, cornerRadiusTopLeft: 3, cornerRadiusTopRight: 3 },
        encoding: {
          x: { field: 'label', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0 } },
          y: { field: 'mb', type: 'quantitative', title: 'retained MB', axis: { tickCount: 4 } },
        },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 11, color: '#444' },
        encoding: {
          x: { field: 'label', type: 'ordinal', sort: { field: 'order' } },
          y: { field: 'mb', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative', format: ',' },
        },
      },
    ],
    config: {
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif',
      view: { stroke: null },
      axis: { gridColor: '#eee', labelColor: '#555', titleColor: '#555', titleFontWeight: 'normal', domainColor: '#bbb' },
      background: 'transparent',
    },
  } as TopLevelSpec;
  return renderVegaLiteSvg(spec, idPrefix);
}
