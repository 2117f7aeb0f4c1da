/**
 * The self-check's planted leak (`--self-check`): a positive control the run must find, named and
 * at its rate, before its verdict on the server is trusted.
 *
 * Planted in the server's process, it keeps {@link PLANTED_BYTES_PER_REQUEST} bytes for every
 * request that (a) carries the header {@link SELF_CHECK_HEADER} (the run sends it only in its
 * `self-check` phase, so the rest of the run measures the server alone) and (b) the server
 * *served*: answered below 400. A request the server rejects, a route that does not exist, a
 * proxy that answers for it: nothing is planted, and the run says its traffic does not reach the
 * server's code.
 *
 * What is kept per request: one flat one-byte string of 496 characters (V8: a 16-byte header +
 * 496 = 512 bytes, on the 64-bit builds Node ships, which do not compress pointers) in an Array
 * held by a global property, whose slot adds 8 bytes (more while its backing store has spare
 * capacity). `Buffer#toString('latin1')` makes a fresh sequential string each time, so nothing is
 * shared between requests.
 *
 * Two ways in, one source: a preload file for a server the run starts (`--require` through
 * `NODE_OPTIONS`, or a node argument for a scenario), written into the run's private directory; and
 * `Runtime.evaluate` of the same function for a server the run attaches to (it needs
 * `process.getBuiltinModule`, Node ≥ 20.16).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The header that arms planting for one request. */
export const SELF_CHECK_HEADER = 'x-leakbench-self-check';
/** Name of the global property holding the planted records: the holder the run must find. */
export const PLANTED_HOLDER_NAME = 'leakbenchSelfCheckPlanted';
/** Bytes kept per request served: a 512-byte string and its 8-byte slot. */
export const PLANTED_BYTES_PER_REQUEST = 520;

/**
 * The planting, as JavaScript source of one function taking the `http` module. Installs once per
 * process (a second call is a no-op), patching `http.Server.prototype.emit` for `request` events.
 */
const PLANT_FUNCTION = `function plantLeakbenchSelfCheck(http) {
  if (globalThis.${PLANTED_HOLDER_NAME}) return true;
  const planted = [];
  Object.defineProperty(globalThis, '${PLANTED_HOLDER_NAME}', { value: planted, enumerable: false, configurable: true });
  const pad = Buffer.alloc(496, 0x78);
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request' && req && res && req.headers && req.headers['${SELF_CHECK_HEADER}'] === '1') {
      res.once('finish', () => {
        if (res.statusCode < 400) planted.push(pad.toString('latin1'));
      });
    }
    return emit.apply(this, arguments);
  };
  return true;
}`;

/** Writes the preload (CommonJS) into `dir` and returns its path (mode 0600). */
export async function writeSelfCheckPreload(dir: string): Promise<string> {
  const file = path.join(dir, 'self-check-preload.cjs');
  await writeFile(file, `'use strict';\n(${PLANT_FUNCTION})(require('node:http'));\n`, { mode: 0o600 });
  return file;
}

/** An expression that plants the leak in a running server (`Runtime.evaluate`); evaluates to true when it did. */
export function plantExpression(): string {
  return `(typeof process.getBuiltinModule === 'function' ? (${PLANT_FUNCTION})(process.getBuiltinModule('node:http')) : false)`;
}

/** An expression counting the planted records (`Runtime.evaluate`). */
export function plantedCountExpression(): string {
  return `(globalThis.${PLANTED_HOLDER_NAME} ? globalThis.${PLANTED_HOLDER_NAME}.length : -1)`;
}
