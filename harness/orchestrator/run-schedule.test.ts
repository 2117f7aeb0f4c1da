import { describe, expect, it } from 'vitest';
import { DEFAULT_GC_SAMPLE_MS, DEFAULT_IDLE_MS, DEFAULT_MAX_LOAD_MS, DEFAULT_SEGMENT_MS, PLANNED_TOLERANCE_MS, decidedHow, nextSegmentMs, type Schedule } from './run-schedule.js';

/** The default schedule of `leakbench run`: 20 s planned, 3 s segments, 120 s budget. */
const DEFAULT: Schedule = { segmentMs: DEFAULT_SEGMENT_MS, plannedMs: 20_000, maxLoadMs: DEFAULT_MAX_LOAD_MS };

function segments(s: Schedule): number[] {
  const out: number[] = [];
  let done = 0;
  let previous: number | undefined;
  for (let i = 0; ; i++) {
    const ms = nextSegmentMs(i, done, previous, s);
    if (ms === 0) return out;
    out.push(ms);
    done += ms;
    previous = ms;
  }
}

describe('run schedule', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_SEGMENT_MS).toBe(3000);
    expect(DEFAULT_GC_SAMPLE_MS).toBe(1250);
    expect(DEFAULT_MAX_LOAD_MS).toBe(120_000);
    expect(DEFAULT_IDLE_MS).toBe(3000);
    expect(PLANNED_TOLERANCE_MS).toBe(500);
  });

  it('runs two short segments, then doubles, landing on the planned end and the budget', () => {
    expect(segments(DEFAULT)).toEqual([3000, 3000, 6000, 8000, 16_000, 32_000, 52_000]);
    const ends = segments(DEFAULT).reduce<number[]>((acc, ms) => [...acc, (acc.at(-1) ?? 0) + ms], []);
    expect(ends).toContain(20_000);
    expect(ends.at(-1)).toBe(120_000);
  });

  it('never runs past the budget, and folds a sliver into the last segment', () => {
    expect(segments({ segmentMs: 3000, plannedMs: 20_000, maxLoadMs: 21_000 })).toEqual([3000, 3000, 6000, 9000]);
    expect(nextSegmentMs(5, 120_000, 16_000, DEFAULT)).toBe(0);
  });

  it('describes the decision by when it came', () => {
    expect(decidedHow(6000, DEFAULT, false)).toBe('early');
    expect(decidedHow(19_600, DEFAULT, false)).toBe('planned');
    expect(decidedHow(20_000, DEFAULT, false)).toBe('planned');
    expect(decidedHow(36_000, DEFAULT, false)).toBe('extended');
    expect(decidedHow(120_000, DEFAULT, true)).toBe('budget');
  });
});
