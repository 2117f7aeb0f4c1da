/**
 * What drives a keyed holder's growth: every request, or every new key? The run protocol answers
 * with a same-key replay: a short stretch where every request reuses a small pool of keys, beside
 * a stretch of distinct keys, counting the holder's entries (Map/Set size, array length, own keys)
 * before and after each. A cache without a bound on a key space the clients choose stops growing
 * when keys repeat; a log or a listener list keeps growing per request.
 *
 * Pure: two rates in, one word out.
 */

/**
 * A holder "keeps growing per request" under the replay when its entries per request there are at
 * least this share of its entries per request under distinct keys; below it, the growth came from
 * new keys.
 */
export const REPLAY_GROWTH_SHARE = 0.25;

/** What drives a keyed holder's growth, from its entries per request under distinct keys and under the same-key replay. */
export function replayDrivenBy(distinctKeysPerRequest: number, replayPerRequest: number): 'requests' | 'distinct-keys' | undefined {
  // No growth under distinct keys either: the replay cannot tell anything.
  if (!(distinctKeysPerRequest > 0)) return undefined;
  return replayPerRequest >= REPLAY_GROWTH_SHARE * distinctKeysPerRequest ? 'requests' : 'distinct-keys';
}
