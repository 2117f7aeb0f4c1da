/**
 * Unicode block sparklines (`▁▂▃▅▇`) for the terminal: heap growth at a glance. Values are
 * resampled to `width` buckets by averaging, then scaled between the series' min and max.
 */
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** A sparkline of `values` at most `width` characters wide; empty for no values. */
export function sparkline(values: readonly number[], width = 24, range?: { min: number; max: number }): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || width <= 0) return '';
  const buckets: number[] = [];
  const n = Math.min(width, finite.length);
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * finite.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * finite.length) / n));
    let sum = 0;
    for (let i = from; i < to; i++) sum += finite[i]!;
    buckets.push(sum / (to - from));
  }
  const min = range?.min ?? Math.min(...buckets);
  const max = range?.max ?? Math.max(...buckets);
  const span = max - min;
  return buckets
    .map((v) => {
      if (span <= 0) return BLOCKS[0];
      const level = Math.round(((v - min) / span) * (BLOCKS.length - 1));
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, level))];
    })
    .join('');
}
