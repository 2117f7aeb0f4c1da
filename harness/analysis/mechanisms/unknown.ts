import { perRequest, topClass, type Mechanism } from './mechanism.js';

/** Real growth of no registered shape: the finding stands, its mechanism is not named. */
export const unknownMechanism: Mechanism = {
  id: 'unknown',
  family: 'unknown',
  signature: 'any other growing accumulation point',
  matches: () => true,
  explain: (input) => ({
    explanation:
      `${input.holder} keeps objects created by requests alive and grows in proportion to the work done; its shape is none of ` +
      'the mechanisms leakbench names.' + perRequest(input) + topClass(input),
    fix: 'Find where requests add to this object and release what is added when the request is done, or bound its size.',
  }),
};
