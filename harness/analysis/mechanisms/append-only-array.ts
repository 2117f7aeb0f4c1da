import { perRequest, topClass, type Mechanism } from './mechanism.js';

/** An Array that every request pushes to and nothing trims. */
export const appendOnlyArray: Mechanism = {
  id: 'append-only-array',
  family: 'uncleaned-audit-cache',
  signature: 'an Array whose new entries are records or strings (not functions)',
  matches: (e) => e.kind === 'array',
  explain: (input) => ({
    explanation:
      `${input.holder} is an append-only Array: every request pushes a record and nothing ever removes one, so the sequence and ` +
      'everything its records reference live as long as the process.' + perRequest(input) + topClass(input),
    fix:
      'Flush records to their destination (a log, a file, a database) and drop them, or keep a fixed-size ring buffer (overwrite ' +
      'the oldest slot once a limit is reached).',
  }),
};
