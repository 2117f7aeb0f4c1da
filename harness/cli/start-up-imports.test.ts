/**
 * Guards the CLI's start-up cost: every command module is registered on every start (even for
 * `--help`), so the modules main.ts reaches through static value imports must stay small. The
 * heavy parts (heap engine, analysis, orchestrator, probes, load, reports, workshop, bench) are
 * imported with `await import(...)` inside a command's action. This walks the static import graph
 * of the TypeScript sources from main.ts (type-only imports are erased by tsc and skipped) and fails
 * when a heavy folder is reached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HARNESS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Relative specifiers of the static value imports and re-exports of one source file. */
function staticValueImports(source: string): string[] {
  const specs: string[] = [];
  // `import x from '…'`, `import { a, type B } from '…'`, `export { a } from '…'`, `import '…'`;
  // not `import type …` / `export type …`, and not `import('…')` (that is the lazy kind).
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs.filter((s) => s.startsWith('.'));
}

/** Every project source file main.ts loads at start-up, relative to harness/. */
function startUpFiles(): string[] {
  const seen = new Set<string>();
  const queue = [path.join(HARNESS_DIR, 'cli', 'main.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticValueImports(readFileSync(file, 'utf8'))) {
      queue.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
    }
  }
  return [...seen].map((f) => path.relative(HARNESS_DIR, f)).sort();
}

describe('CLI start-up imports', () => {
  it('finds static value imports and skips type-only and lazy ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { c, type C } from './c.js';",
      "import {\n  d,\n  e,\n} from './d.js';",
      "export { f } from './f.js';",
      "export type { G } from './g.js';",
      "import 'node:fs';",
      "const h = await import('./h.js');",
    ].join('\n');
    expect(staticValueImports(source)).toEqual(['./a.js', './c.js', './d.js', './f.js']);
  });

  it('main.ts reaches only the command modules and small helpers, never a heavy folder', () => {
    const files = startUpFiles();
    expect(files).toContain('cli/commands/analyze.ts');
    expect(files).toContain('cli/commands/run.ts');
    const heavy = files.filter((f) => /^(heap|analysis|orchestrator|probe|load|target|report|workshop|bench)\//.test(f) || f.startsWith('../'));
    expect(heavy).toEqual([]);
  });
});
