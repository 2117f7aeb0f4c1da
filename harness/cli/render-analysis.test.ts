/** `analyze`'s progress lines: tenths of all the bytes read, whichever thread reads which file. */
import { describe, expect, it } from 'vitest';
import { analysisProgress } from './render-analysis.js';

describe('analysisProgress', () => {
  it('reports each tenth of the total once, over files read in any order, then the diff', () => {
    const lines: string[] = [];
    const report = analysisProgress([100, 300, 600], (l) => lines.push(l));
    const read = (index: number, bytesRead: number, totalBytes: number): void =>
      report({ kind: 'read', file: `s${index}`, index, total: 3, bytesRead, totalBytes });
    read(0, 50, 100); // 5 %
    read(2, 100, 600); // 15 %
    read(0, 100, 100); // 20 %
    read(1, 300, 300); // 50 %: one line, not three
    read(2, 600, 600); // 100 %
    report({ kind: 'phase', phase: 'attribute', elapsedMs: 1 });
    report({ kind: 'phase', phase: 'candidates', elapsedMs: 1 });
    expect(lines.map((l) => l.trim())).toEqual([
      'analyze: read 15% of 1000 B in 3 snapshots',
      'analyze: read 20% of 1000 B in 3 snapshots',
      'analyze: read 50% of 1000 B in 3 snapshots',
      'analyze: read 100% of 1000 B in 3 snapshots',
      'analyze: snapshots read; diffing…',
    ]);
  });
});
