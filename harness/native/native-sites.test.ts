import { describe, expect, test } from 'vitest';
import type { GrowthStatistic } from '../types.js';
import type { SiteWindows } from './heaptrack-trace.js';
import {
  classifySites,
  combineSitesWithTrend,
  heaptrackBlindSpots,
  MIN_SEEN_ALLOCATIONS_PER_REQUEST,
  MIN_SHARE_WITH_FILE,
  SITE_FLOOR_BYTES_PER_REQUEST,
  siteFindings,
  type NativeSitesEvidence,
} from './native-sites.js';
import { readTracemallocSnapshots } from './tracemalloc-snapshots.js';

function site(line: number, liveBytes: number[], own = true): SiteWindows {
  return {
    key: `f (src/main.rs:${line})`,
    frame: { functionName: 'f', file: own ? 'src/main.rs' : '', line, module: 'app' },
    callers: [],
    outsideOwnCode: !own,
    liveBytes,
    liveCount: liveBytes.map((b) => b / 8),
    allocationsBetween: 0,
  };
}

const REQUESTS = [0, 1000, 2000];

describe('classifySites', () => {
  test('the floor is 8 B/request in every step (pinned at its default)', () => {
    expect(SITE_FLOOR_BYTES_PER_REQUEST).toBe(8);
    const at = (perStep: number) => site(1, [0, perStep * 1000, perStep * 2000]);
    expect(classifySites([at(8)], REQUESTS).growing).toHaveLength(1);
    expect(classifySites([at(7.9)], REQUESTS).growing).toHaveLength(0);
  });

  test('a static map grows at every step, a bounded ring only in the first, a temporary not at all', () => {
    const map = site(10, [1000, 65_000, 129_000]);
    const ring = site(20, [0, 40_000, 40_000]);
    const temp = site(30, [4096, 4096, 4096]);
    const { growing, bounded } = classifySites([ring, temp, map], REQUESTS);
    expect(growing.map((g) => g.frame.line)).toEqual([10]);
    expect(growing[0]!.bytesPerRequest).toBe(64);
    expect(growing[0]!.bytesPerStep).toEqual([64_000, 64_000]);
    expect(bounded.map((g) => g.frame.line)).toEqual([20]);
  });

  test('own-code sites are listed before library sites', () => {
    const lib = site(1, [0, 200_000, 400_000], false);
    const own = site(2, [0, 10_000, 20_000]);
    expect(classifySites([lib, own], REQUESTS).growing.map((g) => g.frame.line)).toEqual([2, 1]);
  });
});

describe('blind spots', () => {
  test('too few allocations per request: a private allocator (threshold pinned)', () => {
    expect(MIN_SEEN_ALLOCATIONS_PER_REQUEST).toBe(0.5);
    const seen = { framesTotal: 10, framesWithFile: 10, framesNamed: 10 };
    expect(heaptrackBlindSpots({ ...seen, allocationsBetween: 499 }, 1000)[0]).toMatch(/do not go through the C library's malloc/);
    expect(heaptrackBlindSpots({ ...seen, allocationsBetween: 500 }, 1000)).toEqual([]);
  });

  test('stacks without file:line: no debug info (threshold pinned)', () => {
    expect(MIN_SHARE_WITH_FILE).toBe(0.5);
    expect(heaptrackBlindSpots({ allocationsBetween: 5000, framesTotal: 10, framesWithFile: 4, framesNamed: 10 }, 1000)[0]).toMatch(/without debug info/);
    expect(heaptrackBlindSpots({ allocationsBetween: 5000, framesTotal: 10, framesWithFile: 4, framesNamed: 2 }, 1000)[0]).toMatch(/stripped/);
    expect(heaptrackBlindSpots({ allocationsBetween: 5000, framesTotal: 10, framesWithFile: 5, framesNamed: 10 }, 1000)).toEqual([]);
  });
});

describe('combineSitesWithTrend', () => {
  const stat = (bytesPerRequest: number): GrowthStatistic => ({ bytesPerRequest, reason: `grew ${bytesPerRequest} B/req` }) as unknown as GrowthStatistic;
  const evidence = (over: Partial<NativeSitesEvidence>): NativeSitesEvidence => ({ tool: 'heaptrack', growing: [], bounded: [], requestsAtInstants: REQUESTS, unseen: [], ...over });
  const growing = classifySites([site(10, [0, 64_000, 128_000])], REQUESTS).growing;

  test('a growing site is a leak whatever RSS says, and becomes a finding with its file:line', () => {
    const e = evidence({ growing });
    expect(combineSitesWithTrend(e, { verdict: 'no-leak', statistic: stat(0) }).verdict).toBe('leak');
    const [finding] = siteFindings(e);
    expect(finding!.allocatedAt![0]).toMatchObject({ file: 'src/main.rs', line: 10 });
    expect(finding!.holder).toMatch(/^unknown/);
  });

  test('RSS grows but no site does: inconclusive, not a silent no-leak', () => {
    const out = combineSitesWithTrend(evidence({}), { verdict: 'leak', statistic: stat(300) });
    expect(out.verdict).toBe('inconclusive');
  });

  test('a blind tool says what it could not see in the reason of every verdict', () => {
    const unseen = heaptrackBlindSpots({ allocationsBetween: 0, framesTotal: 0, framesWithFile: 0, framesNamed: 0 }, 1000);
    const flat = combineSitesWithTrend(evidence({ unseen }), { verdict: 'no-leak', statistic: stat(0) });
    expect(flat.verdict).toBe('no-leak');
    expect(flat.reason).toMatch(/Could not see: heaptrack saw 0.00 allocations per request/);
    expect(combineSitesWithTrend(evidence({ unseen }), { verdict: 'leak', statistic: stat(300) }).verdict).toBe('leak');
  });
});

describe('readTracemallocSnapshots', () => {
  test('sites are the innermost own-code line; library frames are skipped', () => {
    const snap = (dictBytes: number) => `# traced 1 peak 1 overhead 1\n${dictBytes}\t10\t/srv/app.py:12|/usr/lib/python3.11/socketserver.py:700\n500\t2\t/usr/lib/python3.11/email/feedparser.py:156\n`;
    const sites = readTracemallocSnapshots([snap(1000), snap(2000), snap(3000)]);
    const app = sites.find((s) => s.frame.file === '/srv/app.py')!;
    expect(app.frame.line).toBe(12);
    expect(app.liveBytes).toEqual([1000, 2000, 3000]);
    expect(app.outsideOwnCode).toBe(false);
    expect(sites.find((s) => s.frame.file.endsWith('feedparser.py'))!.outsideOwnCode).toBe(true);
  });
});
