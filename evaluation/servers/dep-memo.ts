/**
 * A leak owned by a dependency. The server installs a small memoization package, `memo-lite@2.3.1`,
 * into a `node_modules` folder beside itself (written at startup, so no code is fetched) and
 * memoizes a per-key lookup through it. The package caches every argument it has ever seen in a
 * module-level Map and never evicts: the leak lives inside the dependency, not in this file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from './serve.js';

const PACKAGE_SOURCE = `'use strict';
const caches = new Map();
let nextId = 0;
function memoize(fn) {
  const id = nextId++;
  const cache = new Map();
  caches.set(id, cache);
  return function memoized(arg) {
    if (cache.has(arg)) return cache.get(arg);
    const value = fn(arg);
    cache.set(arg, value);
    return value;
  };
}
module.exports = { memoize };
`;

function installPackage(): string {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules', 'memo-lite');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'memo-lite', version: '2.3.1', main: 'index.js' }));
  writeFileSync(path.join(dir, 'index.js'), PACKAGE_SOURCE);
  return path.join(dir, 'index.js');
}

const memoLite = (await import(pathToFileURL(installPackage()).href)) as {
  default: { memoize: <A, R>(fn: (arg: A) => R) => (arg: A) => R };
};

const describeKey = memoLite.default.memoize((keyId: string) => ({ prefix: keyId.slice(0, 4), length: keyId.length }));

serve(({ keyId }) => {
  const info = describeKey(keyId);
  return { ok: true, prefix: info.prefix };
});
