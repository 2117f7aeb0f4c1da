import { closureShare, externalNote, perRequest, topClass, type Mechanism } from './mechanism.js';

/** Closures (and the scopes they capture) kept alive by a long-lived scope or object. */
export const closureContextRetention: Mechanism = {
  id: 'closure-context-retention',
  family: 'closure-captured-buffers',
  signature: 'a closure scope (or object) whose new entries are mostly functions with their captured scopes',
  matches: (e) => (e.kind === 'context' && e.contexts > 0 && closureShare(e) > 0) || closureShare(e) >= 0.5,
  explain: (input) => ({
    explanation:
      `${input.holder} keeps functions created per request alive, and with each its closure scope and whatever request data ` +
      'the scope captured.' + externalNote(input) + perRequest(input) + topClass(input),
    fix: 'Drop the reference to each callback once it has run, and capture only the small values the callback needs.',
  }),
};
