import { describe, expect, it } from 'vitest';
import { splitRate } from './load-driver.js';

describe('splitRate', () => {
  it('splits an overall rate over the connections as evenly as whole numbers allow', () => {
    expect(splitRate(2000, 10)).toEqual(Array(10).fill(200));
    expect(splitRate(1005, 10)).toEqual([101, 101, 101, 101, 101, 100, 100, 100, 100, 100]);
    expect(splitRate(2000, 1)).toEqual([2000]);
  });

  it('uses no more lanes than requests per second (autocannon needs a rate of at least 1)', () => {
    expect(splitRate(7, 10)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(splitRate(1, 10)).toEqual([1]);
  });
});
