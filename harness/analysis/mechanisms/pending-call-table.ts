import { closureShare, isKeyed, perRequest, topClass, type Mechanism } from './mechanism.js';

/**
 * Share of a keyed table's new entries that must be callbacks (or records holding one) for it to
 * be a pending-call table. A Map with string keys counts its key and its value as entries, so a
 * table whose every value holds a callback shows 0.5; 0.4 leaves room for a few plain entries.
 */
export const PENDING_CLOSURE_SHARE = 0.4;

/** Outstanding calls (resolve/reject, completion callbacks) kept by id and never expired. */
export const pendingCallTable: Mechanism = {
  id: 'pending-call-table',
  family: 'unbounded-map',
  signature: `a keyed collection whose new entries are mostly callbacks or records holding one (>= ${PENDING_CLOSURE_SHARE * 100}%)`,
  matches: (e) => isKeyed(e.kind) && closureShare(e) >= PENDING_CLOSURE_SHARE,
  explain: (input) => ({
    explanation:
      `${input.holder} is a table of pending calls: each entry keeps the callbacks (or resolve/reject) of a call that is waiting ` +
      'for a reply. Calls whose reply never comes are never removed, so the table grows with every lost reply.' +
      perRequest(input) + topClass(input),
    fix:
      'Expire entries on a timeout: start a timer per call that rejects it and deletes its entry (clear the timer when the reply ' +
      'arrives), and fail all pending calls when the connection closes.',
  }),
};
