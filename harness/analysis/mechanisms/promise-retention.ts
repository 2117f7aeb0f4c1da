import { perRequest, topClass, type Mechanism } from './mechanism.js';

/** Callbacks chained on a promise that never settles (`.then` reactions pile up on it). */
export const promiseRetention: Mechanism = {
  id: 'promise-retention',
  family: 'closure-captured-buffers',
  signature: 'a Promise that holds the growth (its pending reactions), or a holder whose new entries are mostly promise reactions',
  matches: (e) => (e.kind === 'object' && e.className === 'Promise') || (e.promiseReactions > 0 && e.promiseReactions * 2 >= e.topLevelEntries),
  explain: (input) => ({
    explanation:
      `${input.holder} is a promise that never settles, and every request chains another callback on it (\`.then\`, \`await\` ` +
      'in a loop). The callbacks, their scopes and the promises they derive wait for ever.' + perRequest(input) + topClass(input),
    fix:
      'Settle or reject the promise (with a timeout: AbortSignal.timeout / Promise.race), or check a flag instead of chaining on ' +
      'a long-lived pending promise per request.',
  }),
};
