import { perRequest, topClass, type Mechanism } from './mechanism.js';

/** Share of the new bytes that must be external (ArrayBuffer backing stores). */
export const EXTERNAL_BYTES_SHARE = 0.5;

/** Buffers (external memory) kept by an object that is not itself a collection. */
export const externalBuffers: Mechanism = {
  id: 'external-buffers',
  family: 'closure-captured-buffers',
  signature: `ArrayBuffer backing stores carrying >= ${EXTERNAL_BYTES_SHARE * 100}% of the new bytes`,
  matches: (e) => e.newBytes > 0 && e.externalBytes >= EXTERNAL_BYTES_SHARE * e.newBytes,
  explain: (input) => ({
    explanation:
      `${input.holder} keeps Buffers alive: their memory lives outside the JS heap (process.memoryUsage().external), so the heap ` +
      'looks small while the process grows. A small slice of a larger Buffer keeps the whole allocation alive.' +
      perRequest(input) + topClass(input),
    fix: 'Release the Buffers when the work is done, and copy (Buffer.from(slice)) the few bytes you keep instead of holding a slice.',
  }),
};
