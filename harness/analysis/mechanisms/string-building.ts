import { perRequest, type Mechanism } from './mechanism.js';

/** Share of the new bytes that must be string data for a single growing string. */
export const STRING_BYTES_SHARE = 0.8;

/** A long-lived string extended per request (`log += line`). */
export const stringBuilding: Mechanism = {
  id: 'string-building',
  family: 'uncleaned-audit-cache',
  signature: `one or a few new strings (concatenation trees) carrying >= ${STRING_BYTES_SHARE * 100}% of the new bytes, held by a variable`,
  matches: (e) => e.topLevelEntries > 0 && e.topLevelEntries <= 4 && e.stringBytes >= STRING_BYTES_SHARE * e.newBytes,
  explain: (input) => ({
    explanation:
      `${input.holder} is a string that gets longer on every request (\`s += line\`): V8 keeps each concatenation as a tree of ` +
      'string pieces, and none of it can be freed while the variable holds the result.' + perRequest(input),
    fix: 'Write lines to a stream or a bounded array and join on demand; flush and reset the string when it is delivered.',
  }),
};
