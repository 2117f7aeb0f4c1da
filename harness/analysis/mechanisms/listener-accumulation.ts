import { closureShare, externalNote, perRequest, topClass, type Mechanism } from './mechanism.js';

/** Listeners (or callbacks kept in a list) added per request and never removed. */
export const listenerAccumulation: Mechanism = {
  id: 'listener-accumulation',
  family: 'closure-captured-buffers',
  signature: "an EventEmitter's listener array, or an Array whose new entries are mostly functions",
  matches: (e) => e.kind === 'listener-array' || (e.kind === 'array' && closureShare(e) >= 0.5),
  explain: (input) => {
    const what =
      input.kind === 'listener-array'
        ? `listeners${input.eventName !== undefined ? ` of event '${input.eventName}'` : ''} that are never removed`
        : 'callbacks that are never released';
    return {
      explanation:
        `${input.holder} collects ${what}. Each one is a closure whose scope captured request data, so every request leaves a ` +
        'function, its scope and what the scope references behind.' + externalNote(input) + perRequest(input) + topClass(input),
      fix:
        'Remove the listener when the request ends (emitter.off / once / an AbortSignal), and capture only the small values the ' +
        'callback needs instead of whole request bodies or Buffers.',
    };
  },
};
