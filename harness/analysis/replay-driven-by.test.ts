import { describe, expect, it } from 'vitest';
import { REPLAY_GROWTH_SHARE, replayDrivenBy } from './replay-driven-by.js';

describe('replayDrivenBy', () => {
  it('uses a share of 0.25 by default', () => {
    expect(REPLAY_GROWTH_SHARE).toBe(0.25);
  });
  it('calls growth that stops when keys repeat per distinct key', () => {
    // unbounded-map: one entry per new key, none when 16 keys repeat.
    expect(replayDrivenBy(0.95, 0)).toBe('distinct-keys');
    expect(replayDrivenBy(1, 0.24)).toBe('distinct-keys');
  });
  it('calls growth that goes on with repeated keys per request', () => {
    expect(replayDrivenBy(1, 0.25)).toBe('requests');
    expect(replayDrivenBy(2, 2.1)).toBe('requests');
  });
  it('says nothing when the holder did not grow under distinct keys either', () => {
    expect(replayDrivenBy(0, 0)).toBeUndefined();
    expect(replayDrivenBy(-0.1, 0)).toBeUndefined();
  });
});
