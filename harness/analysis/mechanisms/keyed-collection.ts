import { isKeyed, kindText, perRequest, topClass, type Mechanism } from './mechanism.js';

/** A Map, Set or object used as a dictionary that gains keys and never loses them. */
export const keyedCollection: Mechanism = {
  id: 'keyed-collection',
  family: 'unbounded-map',
  signature: 'a Map, Set, weak collection or dictionary-mode object whose entries grow',
  matches: (e) => isKeyed(e.kind),
  explain: (input) => ({
    explanation:
      `${input.holder} is a ${kindText(input)} that gains entries on every request and never loses them: each new key stays ` +
      'reachable from a long-lived variable, so the garbage collector can free none of them.' + perRequest(input) + topClass(input),
    fix:
      'Bound it: use an LRU with a maximum size (lru-cache) or a TTL, delete entries when their request or session ends, or key a ' +
      'WeakMap by an object whose lifetime matches the entry.',
  }),
};
