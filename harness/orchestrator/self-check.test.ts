import { describe, expect, it } from 'vitest';
import { PLANTED_BYTES_PER_REQUEST } from '../probe/self-check-plant.js';
import { NOT_REACHED_SHARE, SELF_CHECK_TOLERANCE, selfCheckResult } from './self-check.js';

const heap = { requests: 10_000, servedRequests: 9_500, plantedRecords: 9_500, named: true, blackBox: false };

describe('selfCheckResult', () => {
  it('plants 520 B per request served and allows ±25 %', () => {
    expect(PLANTED_BYTES_PER_REQUEST).toBe(520);
    expect(SELF_CHECK_TOLERANCE).toBe(0.25);
  });

  it('is found when the finder named the planted holder at its rate', () => {
    const r = selfCheckResult({ ...heap, holderBytes: 9_500 * 530 });
    expect(r.state).toBe('found');
    expect(r.foundBytesPerRequest).toBe(530);
  });

  it('is missed just outside ±25 %, on either side', () => {
    expect(selfCheckResult({ ...heap, holderBytes: 9_500 * 520 * 1.26 }).state).toBe('missed');
    expect(selfCheckResult({ ...heap, holderBytes: 9_500 * 520 * 0.74 }).state).toBe('missed');
    expect(selfCheckResult({ ...heap, holderBytes: 9_500 * 520 * 1.24 }).state).toBe('found');
  });

  it('is missed when the finder did not name it', () => {
    expect(selfCheckResult({ ...heap, named: false, holderBytes: undefined }).state).toBe('missed');
    expect(selfCheckResult({ ...heap, named: false, holderBytes: 9_500 * 520 }).state).toBe('missed');
  });

  it('is not-reached when nothing was served or planted', () => {
    const none = selfCheckResult({ requests: 10_000, servedRequests: 0, plantedRecords: 0, named: false, holderBytes: undefined, blackBox: false });
    expect(none.state).toBe('not-reached');
    expect(none.reason).toMatch(/does not reach/);
    // Served (2xx) but nothing planted: a proxy answered, the planting code never ran.
    expect(selfCheckResult({ ...heap, plantedRecords: 0, holderBytes: 0, named: false }).state).toBe('not-reached');
  });

  it('black-box: found from the RSS slope alone, unnamed', () => {
    const bb = { requests: 10_000, servedRequests: 9_500, named: false, blackBox: true };
    expect(selfCheckResult({ ...bb, holderBytes: 9_500 * 500 }).state).toBe('found');
    expect(selfCheckResult({ ...bb, holderBytes: 9_500 * 300 }).state).toBe('missed');
    // Below a quarter of the planted rate: no planted growth at all.
    expect(NOT_REACHED_SHARE).toBe(0.25);
    expect(selfCheckResult({ ...bb, holderBytes: 9_500 * 120 }).state).toBe('not-reached');
  });
});
