/**
 * Packs leakbench (`npm pack`) and installs the tarball into a fresh project, from the local npm
 * cache only (no registry access): the project's lockfile is leakbench's own, restricted to its
 * runtime packages, so `npm ci --offline` finds every tarball in the cache by its integrity.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../paths.js';

interface LockEntry {
  version?: string;
  resolved?: string;
  dev?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

/** Packs the package into `dir`; returns the tarball path. */
export function packTarball(dir: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  return path.join(dir, out.trim().split('\n').pop()!);
}

/**
 * Creates `<dir>` as an ES-module project depending on the tarball and installs it offline.
 * `omitOptional` installs it as `npm ci --omit=optional` does: without `@clinic/heap-profiler`.
 */
export function installTarball(tarball: string, dir: string, options: { omitOptional?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${path.relative(dir, tarball)}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'app', dependencies: { leakbench: spec } },
    'node_modules/leakbench': {
      version: String(pkg['version']),
      resolved: spec,
      dependencies: pkg['dependencies'],
      optionalDependencies: pkg['optionalDependencies'],
      bin: pkg['bin'],
      engines: pkg['engines'],
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || key === 'node_modules/leakbench' || entry.dev || entry.link) continue;
    const name = key.split('node_modules/').pop()!;
    // The cache is keyed by integrity; npm still wants the registry URL a package came from.
    packages[key] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { leakbench: spec } }, null, 2));
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2));
  const omit = options.omitOptional === true ? ['--omit=optional'] : [];
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...omit], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}
