/**
 * Whose code a finding belongs to — the application, a dependency, or Node core — read from the
 * heap alone: the scripts of the functions that accumulate (a listener's or a timer's callback is
 * the code that registered it), else the script of the scope that anchors the holder (the module
 * whose variable holds it). A dependency is named by its folder under the last `node_modules/` of
 * the script's path; `withPackageVersions` (the file-reading side) adds the version from its
 * package.json, the way LeakCanary separates library leaks from application leaks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeapGraph } from '../heap/types.js';
import type { Finding, FindingOwner } from '../types.js';
import { scriptLabel, scriptOfClosure, scriptOfContext } from './human-path.js';

/** The owner a script URL stands for. */
export function ownerOfScript(url: string): FindingOwner {
  if (url === '') return { kind: 'unknown', label: 'unknown' };
  if (url.startsWith('node:')) return { kind: 'node-core', label: url, script: url };
  // A leading slash so a relative `node_modules/x/…` (an allocation site's file) matches too.
  const clean = `/${url.replace(/\\/g, '/')}`;
  const at = clean.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const rest = clean.slice(at + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
    return { kind: 'dependency', label: `node_modules/${name}`, script: url };
  }
  return { kind: 'application', label: scriptLabel(url), script: url };
}

/**
 * The owner of a finding: the most common script among the accumulating functions sampled
 * (`closures`), preferring code outside Node core, else the script of the nearest scope on the
 * holder's retainer path (walking back from the holder).
 */
export function findingOwner(g: HeapGraph, holder: number, closures: readonly number[]): FindingOwner {
  const votes = new Map<string, number>();
  for (const c of closures) {
    const url = scriptOfClosure(g, c);
    if (url !== '') votes.set(url, (votes.get(url) ?? 0) + 1);
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const outsideCore = ranked.find(([url]) => !url.startsWith('node:'));
  const byCode = outsideCore ?? ranked[0];
  if (byCode !== undefined) return ownerOfScript(byCode[0]);
  const steps = g.pathToRoot(holder);
  if (steps !== undefined) {
    for (let i = steps.length - 1; i >= 1; i--) {
      const from = steps[i - 1]!.nodeOrdinal;
      if (g.nodeNameIs(from, 'system / Context')) {
        const url = scriptOfContext(g, from);
        if (url !== '') return ownerOfScript(url);
      } else if (g.nodeType(from) === 'closure') {
        const url = scriptOfClosure(g, from);
        if (url !== '') return ownerOfScript(url);
      }
    }
  }
  return { kind: 'unknown', label: 'unknown' };
}

/**
 * Adds `@<version>` to dependency owners whose package.json can be read (the snapshots were taken
 * on this machine; a snapshot from elsewhere keeps the bare package name). Also says so first in
 * the explanation: "Inside memo-lite@2.3.1: …".
 */
export function withPackageVersions(findings: Finding[]): void {
  const versions = new Map<string, string | undefined>();
  for (const f of findings) {
    const owner = f.owner;
    if (owner?.kind !== 'dependency' || owner.script === undefined) continue;
    let version: string | undefined;
    try {
      const file = owner.script.startsWith('file:') ? fileURLToPath(owner.script) : owner.script;
      const norm = file.replace(/\\/g, '/');
      const pkgDir = norm.slice(0, norm.lastIndexOf('/node_modules/')) + '/' + owner.label;
      if (!versions.has(pkgDir)) {
        let v: string | undefined;
        try {
          const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version?: unknown };
          if (typeof pkg.version === 'string' && /^[\w.+-]{1,64}$/.test(pkg.version)) v = pkg.version;
        } catch {
          v = undefined;
        }
        versions.set(pkgDir, v);
      }
      version = versions.get(pkgDir);
    } catch {
      version = undefined;
    }
    if (version !== undefined) owner.label = `${owner.label}@${version}`;
    const pkg = owner.label.replace(/^node_modules\//, '');
    if (!f.explanation.startsWith('Inside ')) f.explanation = `Inside ${pkg} (a dependency, not your code): ${f.explanation}`;
  }
}
