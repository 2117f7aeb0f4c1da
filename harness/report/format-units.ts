/**
 * Number formatting shared by the HTML and terminal renderers, so both say `12.4 MB` the same way.
 * Sizes use decimal units (kB, MB) as `process.memoryUsage()` figures are usually quoted.
 */

/** `1234567` → `1.23 MB`; negative sizes keep their sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${units[unit]}`;
}

/** Bytes per request with a sign: `+312.5 B/req`. */
export function formatBytesPerRequest(bytesPerRequest: number): string {
  if (!Number.isFinite(bytesPerRequest)) return '–';
  const abs = Math.abs(bytesPerRequest);
  const text = abs >= 1000 ? formatBytes(abs) : `${abs.toFixed(abs >= 100 ? 0 : 1)} B`;
  return `${bytesPerRequest < 0 ? '-' : '+'}${text}/req`;
}

/** `401233` → `401,233`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** `2345` → `2.3 s`, `340` → `340 ms`, `125000` → `2 min 5 s`. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms - min * 60_000) / 1000)} s`;
}

/** A rate such as requests/s: `1987.4` → `1,987`. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '–';
  return perSec >= 100 ? formatCount(perSec) : perSec.toFixed(1);
}
