import { externalNote, perRequest, topClass, type Mechanism } from './mechanism.js';

/** Timers (setInterval / long setTimeout) started per request and never cleared. */
export const timerAccumulation: Mechanism = {
  id: 'timer-accumulation',
  family: 'closure-captured-buffers',
  signature: "one of Node's TimersList rings of Timeout objects, each holding its callback",
  matches: (e) => e.kind === 'timer-list',
  explain: (input) => ({
    explanation:
      `${input.holder} collects timers that are never cleared. Each Timeout keeps its callback, the callback's scope and ` +
      'whatever request data that scope captured.' + externalNote(input) + perRequest(input) + topClass(input),
    fix: 'Clear each timer (clearInterval/clearTimeout) when its work is done, and capture only the small values the callback needs.',
  }),
};
