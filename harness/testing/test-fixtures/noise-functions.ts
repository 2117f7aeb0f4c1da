/**
 * Functions that allocate and keep nothing per call — the noise a leak assertion must not call a
 * leak — and one that leaks, for the measurement's integration tests and `npm run bench:assertions`.
 * Each is made by a factory, so every run measures fresh state (a singleton not yet built, an
 * empty cache).
 */

/** Allocates ~40 kB per call (objects, strings, a JSON round trip) and keeps none of it. */
export function makeHeavyChurn(): (i: number) => number {
  return function heavyChurn(i: number): number {
    const rows = [];
    for (let k = 0; k < 200; k++) rows.push({ id: `${i}-${k}`, tags: [k, k * 2], note: 'x'.repeat(k % 40) });
    return JSON.parse(JSON.stringify(rows)).length;
  };
}

/** Builds a ~1 MB lookup table on its first call and only reads it afterwards. */
export function makeLazySingleton(): (i: number) => number {
  let table: Map<number, { code: string; weight: number }> | undefined;
  return function lazySingleton(i: number): number {
    table ??= new Map(Array.from({ length: 10_000 }, (_, k) => [k, { code: `c${k}`, weight: k / 7 }]));
    return table.get(i % 10_000)!.weight;
  };
}

/** A cache of at most `capacity` entries (oldest evicted), a fresh key per call: full after `capacity` calls. */
export function makeBoundedCache(capacity = 500): (i: number) => number {
  const cache = new Map<string, { value: string; at: number }>();
  return function boundedCache(i: number): number {
    cache.set(`key-${i}`, { value: `value of ${i}`, at: i });
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return cache.size;
  };
}

/** What {@link rememberSession} keeps. */
const sessions: Array<{ id: number; user: string }> = [];

/** Leaks: keeps a small record per call in a module-level array. */
export function rememberSession(i: number): number {
  return sessions.push({ id: i, user: `user-${i}` });
}
